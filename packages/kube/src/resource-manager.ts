import { type KubeObject, type ObjectRef } from '@flotilla/core';
import { Discovery } from './discovery.js';
import { clientOf, type ConnectionOptions, type KubeClient } from './kube-client.js';
import { applyObjects, type ApplyOptions, type ApplyResult } from './manager-apply.js';
import { diffObject, type DiffOptions, type DiffResult } from './manager-diff.js';
import { type ManagerContext } from './manager-context.js';
import { getObject } from './manager-get.js';
import { pruneObjects, type PruneOptions, type PruneResult } from './manager-prune.js';
import { waitForHealth, type HealthReport, type WaitOptions } from './manager-wait.js';

/** Options of a ResourceManager; every field but the connection has a default. */
export type ResourceManagerOptions = ConnectionOptions & {
  /** The server-side apply field manager; default `flotilla`. */
  fieldManager?: string;
  /** Requests in flight at once within one verb (and within one apply stage); default 8. */
  concurrency?: number;
  /** Discovery to share with other users of the same cluster; default a new one over this client. */
  discovery?: Discovery;
};

/**
 * Applies, prunes, reads and waits for the objects of one cluster, after fluxcd/pkg's ssa.ResourceManager: server-side
 * apply with one field manager, a dry-run of everything before anything is written, staged order, and change sets
 * as values. Each verb lives in its own file (manager-apply.ts, manager-prune.ts, manager-wait.ts, manager-get.ts, manager-diff.ts).
 */
export class ResourceManager {
  readonly client: KubeClient;
  readonly discovery: Discovery;
  readonly fieldManager: string;
  readonly concurrency: number;
  private readonly ownsClient: boolean;

  constructor(options: ResourceManagerOptions) {
    const { client, owned } = clientOf(options);
    this.client = client;
    this.ownsClient = owned;
    this.fieldManager = options.fieldManager ?? 'flotilla';
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.discovery = options.discovery ?? new Discovery(client, { concurrency: this.concurrency });
  }

  private get context(): ManagerContext {
    return { client: this.client, discovery: this.discovery, fieldManager: this.fieldManager, concurrency: this.concurrency };
  }

  /**
   * Applies a revision's objects with server-side apply after a dry-run of all of them (see applyObjects for the
   * order). Throws DRY_RUN_FAILED, listing every failure, when any object fails its dry-run, and APPLY_FAILED when the
   * server refuses a write after all (every write of the call undone first); otherwise resolves to the change set.
   */
  apply(objects: readonly KubeObject[], options?: ApplyOptions): Promise<ApplyResult> {
    return applyObjects(this.context, objects, options);
  }

  /** Deletes objects that left the inventory, keeping those whose live copy has `flotilla.dev/prune: disabled`. */
  prune(refs: readonly ObjectRef[], options?: PruneOptions): Promise<PruneResult> {
    return pruneObjects(this.context, refs, options);
  }

  /** Polls the objects until all are Healthy, any is Degraded, or the timeout passes. */
  waitForHealth(refs: readonly ObjectRef[], options?: WaitOptions): Promise<HealthReport> {
    return waitForHealth(this.context, refs, options);
  }

  /** The live object, or undefined when it, its namespace or its kind does not exist. */
  get(ref: ObjectRef, options: { signal?: AbortSignal } = {}): Promise<KubeObject | undefined> {
    return getObject(this.context, ref, options.signal);
  }

  /** What applying one object would change: its server-side dry-run apply and the live object at the same resourceVersion. */
  diff(object: KubeObject, options?: DiffOptions): Promise<DiffResult> {
    return diffObject(this.context, object, options);
  }

  /** Closes the pooled connections of a client this manager created (not of one it was given). */
  close(): void {
    if (this.ownsClient) this.client.close();
  }
}
