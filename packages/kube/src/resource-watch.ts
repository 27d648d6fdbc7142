import { createInterface } from 'node:readline';
import { type KubeObject } from '@flotilla/core';
import { type KubeClient } from './kube-client.js';
import { httpStatusOf, mapApiError } from './map-api-error.js';
import { sleep } from './manager-context.js';

/** A change seen by a watch. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Options of a ResourceWatch; `client`, `path` and the callbacks are required. */
export interface ResourceWatchOptions {
  client: KubeClient;
  /** Collection path (`collectionPath(resource, namespace)`): `/api/v1/namespaces/web/configmaps`. */
  path: string;
  /** After every list (the first, and each re-list after 410 Gone): every object of the collection. */
  onSync(objects: KubeObject[], isFirst: boolean): void;
  /** Each change, in the order the server sends them. */
  onEvent(type: WatchEventType, object: KubeObject): void;
  /** A failed list or watch; the watch retries by itself with backoff. */
  onError?(error: Error): void;
  /** How long the server keeps one watch request open before it ends it and the watch resumes; default 300 s (jittered). */
  timeoutSeconds?: number;
  /** Objects per page of a list; default 500. */
  pageSize?: number;
  /** Delay before the first retry after a failure, doubling up to `maxRetryDelayMs`; default 100 ms and 5 s. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

interface ListPage {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

interface WatchLine {
  type?: string;
  object?: KubeObject & { code?: number; message?: string };
}

/** The server no longer holds the resourceVersion a watch asked for: list again. */
class GoneError extends Error {}

/** The server said something a watch cannot go on from (an ERROR event other than 410, a line that is not JSON). */
class WatchProtocolError extends Error {}

/**
 * Keeps up with one collection (one kind in one namespace, or cluster-wide) the way client-go's reflector does: list
 * (paged), then watch from the list's resourceVersion with bookmarks, resume from the last resourceVersion seen when a
 * watch ends or drops, list again when the server answers 410 Gone, and retry failures with backoff, until stopped.
 */
export class ResourceWatch {
  private readonly controller = new AbortController();
  private resourceVersion: string | undefined;
  private running: Promise<void> | undefined;
  private readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private lists = 0;

  constructor(private readonly options: ResourceWatchOptions) {
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve));
  }

  /** Starts listing and watching; resolves once the first list is delivered (or the watch is stopped first). */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.synced;
  }

  /** Stops for good and closes the open watch request. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.resolveSynced();
    await this.running;
  }

  private get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  private async run(): Promise<void> {
    const base = this.options.retryDelayMs ?? 100;
    let delay = base;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        const startedAt = Date.now();
        await this.watch();
        // A watch the server ends at once, again and again, must not spin.
        if (Date.now() - startedAt < 1_000) {
          await sleep(delay, this.controller.signal).catch(() => undefined);
          delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
        } else delay = base;
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof GoneError || httpStatusOf(error) === 410) {
          this.resourceVersion = undefined;
          continue;
        }
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
        await sleep(delay, this.controller.signal).catch(() => undefined);
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
      }
    }
  }

  private async list(): Promise<void> {
    const objects: KubeObject[] = [];
    let resourceVersion: string | undefined;
    let next: string | undefined;
    do {
      const page = await this.options.client
        .request<ListPage>({
          method: 'GET',
          path: this.options.path,
          query: { limit: String(this.options.pageSize ?? 500), continue: next },
          signal: this.controller.signal,
        })
        .catch((error: unknown) => {
          // A continue token can expire (410) mid-list: start over.
          if (httpStatusOf(error) === 410) throw new GoneError('list continue token expired');
          throw mapApiError(error, { object: this.options.path, verb: 'list' });
        });
      // Items of a list carry no apiVersion and kind: those of the list tell them.
      const kind = page.kind?.replace(/List$/, '') ?? '';
      for (const item of page.items ?? []) objects.push({ ...item, apiVersion: item.apiVersion ?? page.apiVersion ?? '', kind: item.kind ?? kind });
      resourceVersion = page.metadata?.resourceVersion;
      next = page.metadata?.continue || undefined;
    } while (next && !this.stopped);
    if (this.stopped) return;
    this.resourceVersion = resourceVersion ?? '';
    try {
      this.options.onSync(objects, this.lists++ === 0);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    this.resolveSynced();
  }

  /** One watch request, until the server ends it; throws GoneError when the resourceVersion is too old. */
  private async watch(): Promise<void> {
    const timeout = this.options.timeoutSeconds ?? 300;
    const response = await this.options.client.stream({
      path: this.options.path,
      query: {
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: this.resourceVersion || undefined,
        // Jittered, so that many watches do not all come back at once.
        timeoutSeconds: String(Math.round(timeout * (0.9 + Math.random() * 0.2))),
      },
      signal: this.controller.signal,
    });
    if (response.statusCode === 410) {
      response.resume();
      throw new GoneError('resourceVersion too old');
    }
    if (response.statusCode !== 200) {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      throw new Error(`watch ${this.options.path} failed: HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`);
    }
    const lines = createInterface({ input: response, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let parsed: WatchLine;
        try {
          parsed = JSON.parse(line) as WatchLine;
        } catch {
          throw new WatchProtocolError(`watch ${this.options.path}: a line that is not JSON: ${line.slice(0, 200)}`);
        }
        this.receive(parsed);
      }
    } catch (error) {
      if (error instanceof GoneError || error instanceof WatchProtocolError || this.stopped) throw error;
      // A connection reset mid-stream: resume from the last resourceVersion seen.
      return;
    } finally {
      lines.close();
      response.destroy();
    }
  }

  private receive(line: WatchLine): void {
    const object = line.object;
    if (!object) return;
    if (line.type === 'ERROR') {
      if (object.code === 410) throw new GoneError(object.message ?? 'resourceVersion too old');
      throw new WatchProtocolError(`watch ${this.options.path}: ${object.message ?? 'error event'}`);
    }
    if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (line.type !== 'ADDED' && line.type !== 'MODIFIED' && line.type !== 'DELETED') return;
    try {
      this.options.onEvent(line.type, object);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
