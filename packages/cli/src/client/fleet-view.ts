import type { AppClusterStatus, ClusterInfo, StatusEvent } from '@flotilla/proto';

/** `PHASE_SYNCED` → `Synced`, `ROLLOUT_STATE_ROLLING_BACK` → `RollingBack`; `-` when unset. */
export function enumWord(value: string | undefined, prefix: string): string {
  if (!value || value.endsWith('_UNSPECIFIED') || value === 'UNRECOGNIZED') return '-';
  return value
    .replace(prefix, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** Phase and health of a status as words. */
export function phaseOf(status: Pick<AppClusterStatus, 'phase'>): string {
  return enumWord(status.phase, 'PHASE_');
}
export function healthOf(status: Pick<AppClusterStatus, 'health'>): string {
  return enumWord(status.health, 'HEALTH_');
}

/**
 * The fleet as the status stream tells it: clusters and the latest status of each app on each cluster, kept up to date
 * event by event. A fresh snapshot (after a resume too old for the hub) replaces what it does not mention.
 */
export class FleetView {
  readonly clusters = new Map<string, ClusterInfo>();
  readonly statuses = new Map<string, AppClusterStatus>();
  /** True once the first snapshot is complete. */
  isLive = false;
  private snapshot: { clusters: Set<string>; statuses: Set<string> } | undefined;

  /** Folds one event in. */
  apply(event: StatusEvent): void {
    if (event.clusterSnapshot || event.statusSnapshot) {
      this.snapshot ??= { clusters: new Set(), statuses: new Set() };
      if (event.clusterSnapshot) {
        this.clusters.set(event.clusterSnapshot.name, event.clusterSnapshot);
        this.snapshot.clusters.add(event.clusterSnapshot.name);
      }
      if (event.statusSnapshot) {
        const key = keyOf(event.statusSnapshot);
        this.statuses.set(key, event.statusSnapshot);
        this.snapshot.statuses.add(key);
      }
    } else if (event.snapshotComplete) {
      const seen = this.snapshot ?? { clusters: new Set<string>(), statuses: new Set<string>() };
      for (const name of this.clusters.keys()) if (!seen.clusters.has(name)) this.clusters.delete(name);
      for (const key of this.statuses.keys()) if (!seen.statuses.has(key)) this.statuses.delete(key);
      this.snapshot = undefined;
      this.isLive = true;
    } else if (event.cluster?.cluster) {
      const { cluster } = event.cluster;
      if (event.cluster.type === 'CLUSTER_EVENT_TYPE_REMOVED') {
        this.clusters.delete(cluster.name);
        for (const [key, status] of this.statuses) if (status.cluster === cluster.name) this.statuses.delete(key);
      } else this.clusters.set(cluster.name, cluster);
    } else if (event.assignment) {
      const { app, cluster, generation, revision, removed } = event.assignment;
      const key = `${app}/${cluster}`;
      if (removed) this.statuses.delete(key);
      else {
        const current = this.statuses.get(key);
        this.statuses.set(key, {
          ...(current ?? { app, cluster, appliedRevision: '', appliedGeneration: 0, phase: 'PHASE_PENDING', health: 'HEALTH_UNSPECIFIED', errors: [], driftedObjects: 0 }),
          desiredRevision: revision,
          desiredGeneration: generation,
        } as AppClusterStatus);
      }
    } else if (event.status) {
      this.statuses.set(keyOf(event.status), event.status);
    } else if (event.drift) {
      const key = `${event.drift.app}/${event.drift.cluster}`;
      const current = this.statuses.get(key);
      if (current) {
        const drifted = Math.max(0, current.driftedObjects + (event.drift.objects?.length ?? 0) - (event.drift.cleared?.length ?? 0));
        this.statuses.set(key, { ...current, driftedObjects: drifted });
      }
    }
  }

  /** Statuses sorted by app then cluster, optionally of one app or one cluster. */
  rows(filter: { app?: string; cluster?: string } = {}): AppClusterStatus[] {
    return [...this.statuses.values()]
      .filter((s) => (!filter.app || s.app === filter.app) && (!filter.cluster || s.cluster === filter.cluster))
      .sort((a, b) => (a.app === b.app ? a.cluster.localeCompare(b.cluster) : a.app.localeCompare(b.app)));
  }

  /** Whether every cluster of an app applied what the hub wants there, and it is Synced and Healthy (or as `accept` says). */
  isSettled(app: string, accept: (status: AppClusterStatus) => boolean = isSyncedAndHealthy): boolean {
    const rows = this.rows({ app });
    return rows.length > 0 && rows.every((s) => s.desiredGeneration > 0 && s.appliedGeneration >= s.desiredGeneration && s.appliedRevision === s.desiredRevision && accept(s));
  }
}

/** Synced and Healthy. */
export function isSyncedAndHealthy(status: AppClusterStatus): boolean {
  return status.phase === 'PHASE_SYNCED' && status.health === 'HEALTH_HEALTHY';
}

function keyOf(status: Pick<AppClusterStatus, 'app' | 'cluster'>): string {
  return `${status.app}/${status.cluster}`;
}
