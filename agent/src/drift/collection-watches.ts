import type { KubeObject } from '@flotilla/core';
import { type KubeClient, ResourceWatch, type WatchEventType } from '@flotilla/kube';
import type { Logger } from 'pino';

/** Options of CollectionWatches. */
export interface CollectionWatchesOptions {
  client: KubeClient;
  logger: Logger;
  onSync(collection: string, objects: KubeObject[], isFirst: boolean): void;
  onEvent(collection: string, type: WatchEventType, object: KubeObject): void;
  /** How long ready() waits for a first list before giving up (the watch keeps trying); default 15 s. */
  readyTimeoutMs?: number;
}

interface Entry {
  watch: ResourceWatch;
  users: number;
  ready: Promise<void>;
}

/**
 * One watch per collection (kind and namespace) that some managed object lives in, shared by every object there and
 * stopped when the last of them goes: the cost follows the number of kinds and namespaces, not of objects.
 */
export class CollectionWatches {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: CollectionWatchesOptions) {}

  /** Number of open watches. */
  get size(): number {
    return this.entries.size;
  }

  /** One more object lives in this collection; starts its watch if it is the first. */
  acquire(collection: string): void {
    let entry = this.entries.get(collection);
    if (!entry) {
      const watch = new ResourceWatch({
        client: this.options.client,
        path: collection,
        onSync: (objects, isFirst) => this.options.onSync(collection, objects, isFirst),
        onEvent: (type, object) => this.options.onEvent(collection, type, object),
        onError: (error) => this.options.logger.warn({ collection, err: error.message }, 'watch failed; retrying'),
      });
      entry = { watch, users: 0, ready: watch.start() };
      this.entries.set(collection, entry);
    }
    entry.users += 1;
  }

  /** One object less in this collection; stops its watch after the last. */
  release(collection: string): void {
    const entry = this.entries.get(collection);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.entries.delete(collection);
    void entry.watch.stop();
  }

  /** Resolves once the collection's first list is in (or after the ready timeout, when it cannot be listed yet). */
  ready(collection: string): Promise<void> {
    const entry = this.entries.get(collection);
    if (!entry) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.readyTimeoutMs ?? 15_000);
      timer.unref();
    });
    return Promise.race([entry.ready, timeout]).finally(() => clearTimeout(timer));
  }

  /** Stops every watch. */
  async stop(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.watch.stop()));
  }
}
