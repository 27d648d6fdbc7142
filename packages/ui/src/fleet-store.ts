import type { AppClusterStatusEvent, ClusterInfoEvent, FleetEventView, HubApiClient } from '@flotilla/api';

/** The state of the live connection, shown to the user. */
export type FeedState = 'connecting' | 'live' | 'reconnecting';

/** Key of one app on one cluster. */
export const cellKey = (app: string, cluster: string): string => `${app}\u0000${cluster}`;

interface FleetData {
  clusters: Map<string, ClusterInfoEvent>;
  statuses: Map<string, AppClusterStatusEvent>;
}

/**
 * The fleet as the live feed tells it: clusters and the status of every app on every cluster. Follows
 * GET /api/v1/events, reconnects with the last cursor after any break (catching up without a reload), and
 * notifies subscribers at most once per animation frame.
 */
export class FleetStore {
  private data: FleetData = { clusters: new Map(), statuses: new Map() };
  private pending: FleetData | undefined;
  /** Objects the feed said are drifted, by cell: a repeated drift event does not count twice. */
  private readonly drifted = new Map<string, Set<string>>();
  private cursor: string | undefined;
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  /** Bumped on every change: React reads it as the store's snapshot. */
  version = 0;
  state: FeedState = 'connecting';
  /** Events applied since the page loaded (for tests and the status line). */
  received = 0;
  /** Times the feed was reconnected. */
  reconnects = 0;
  /** Rollout events by app, the latest last. */
  readonly rollouts = new Map<string, NonNullable<FleetEventView['rollout']>>();

  get clusters(): ReadonlyMap<string, ClusterInfoEvent> {
    return this.data.clusters;
  }

  get statuses(): ReadonlyMap<string, AppClusterStatusEvent> {
    return this.data.statuses;
  }

  /** Apps seen on any cluster, sorted. */
  apps(): string[] {
    const apps = new Set<string>();
    for (const status of this.data.statuses.values()) apps.add(status.app);
    return [...apps].sort();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Follows the feed until `signal` aborts. */
  async follow(client: HubApiClient, signal: AbortSignal): Promise<void> {
    let delay = 250;
    while (!signal.aborted) {
      try {
        // Live once the hub accepts the stream: a resume that missed nothing sends no event until the fleet changes.
        const onOpen = () => {
          this.setState('live');
          delay = 250;
        };
        for await (const event of client.watchEvents({ cursor: this.cursor, signal, onOpen })) this.apply(event);
      } catch (error) {
        if (signal.aborted) return;
        console.warn('live feed broken; reconnecting', error);
      }
      if (signal.aborted) return;
      this.reconnects += 1;
      this.setState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  /** Applies one event of the feed. */
  apply(event: FleetEventView): void {
    this.received += 1;
    this.cursor = event.cursor;
    if (event.clusterSnapshot || event.statusSnapshot) {
      this.pending ??= { clusters: new Map(), statuses: new Map() };
      if (event.clusterSnapshot) this.pending.clusters.set(event.clusterSnapshot.name, event.clusterSnapshot);
      if (event.statusSnapshot) this.pending.statuses.set(cellKey(event.statusSnapshot.app, event.statusSnapshot.cluster), event.statusSnapshot);
      return;
    }
    if (event.snapshotComplete) {
      this.data = this.pending ?? { clusters: new Map(), statuses: new Map() };
      this.drifted.clear();
      this.pending = undefined;
    } else if (event.cluster?.cluster) {
      const cluster = event.cluster.cluster;
      if (event.cluster.type === 'CLUSTER_EVENT_TYPE_REMOVED') {
        this.data.clusters.delete(cluster.name);
        for (const key of [...this.data.statuses.keys()]) if (key.endsWith(`\u0000${cluster.name}`)) this.data.statuses.delete(key);
      } else this.data.clusters.set(cluster.name, cluster);
    } else if (event.status) {
      this.data.statuses.set(cellKey(event.status.app, event.status.cluster), event.status);
    } else if (event.assignment) {
      const { app, cluster, revision, generation, removed } = event.assignment;
      const key = cellKey(app, cluster);
      if (removed) this.data.statuses.delete(key);
      else this.data.statuses.set(key, { ...(this.data.statuses.get(key) ?? { app, cluster }), desiredRevision: revision, desiredGeneration: generation });
    } else if (event.drift) {
      const { app, cluster, objects = [], cleared = [] } = event.drift;
      const key = cellKey(app, cluster);
      const known = this.drifted.get(key) ?? new Set<string>();
      this.drifted.set(key, known);
      const current = this.data.statuses.get(key) ?? { app, cluster };
      let count = current.driftedObjects ?? 0;
      for (const drifted of objects) {
        const id = objectId(drifted.object);
        if (known.has(id)) continue;
        known.add(id);
        count += 1;
      }
      for (const ref of cleared) if (known.delete(objectId(ref)) || count > known.size) count -= 1;
      this.data.statuses.set(key, { ...current, driftedObjects: Math.max(0, count) });
    } else if (event.rollout) {
      this.rollouts.set(event.rollout.app, event.rollout);
    }
    this.changed();
  }

  private setState(state: FeedState): void {
    this.state = state;
    this.changed();
  }

  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = (): void => {
      this.scheduled = false;
      this.version += 1;
      for (const listener of this.listeners) listener();
    };
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 0);
  }
}

function objectId(ref: { group?: string; kind?: string; namespace?: string; name?: string } | undefined): string {
  return `${ref?.group ?? ''}/${ref?.kind ?? ''}/${ref?.namespace ?? ''}/${ref?.name ?? ''}`;
}
