import { formatRevision } from '@flotilla/core';
import type { ClusterRolloutState, RolloutKind, RolloutState } from './rollout-states.js';

/** Where a rollout is, in numbers: what the status stream sends and the REST list shows. */
export interface RolloutSummary {
  id: number;
  app: string;
  kind: RolloutKind;
  revision: string;
  state: RolloutState;
  message: string;
  /** The highest wave started (0 before any). */
  wave: number;
  /** Waves planned. */
  waves: number;
  /** Clusters the rollout still covers (not taken by a newer rollout, still targets). */
  total: number;
  /** Clusters whose assignment carries the revision (updating, verifying, succeeded or failed). */
  updated: number;
  /** Clusters counted by state, every state present. */
  clusters: Record<ClusterRolloutState, number>;
  finished: boolean;
}

const NO_CLUSTERS: Record<ClusterRolloutState, number> = {
  pending: 0,
  updating: 0,
  verifying: 0,
  succeeded: 0,
  failed: 0,
  reverting: 0,
  reverted: 0,
  'revert-failed': 0,
  superseded: 0,
  removed: 0,
};

/** Sums up a rollout and its clusters. */
export function summarizeRollout(
  rollout: { id: number; appName: string; kind: RolloutKind; ref: string; commit: string; state: RolloutState; message: string; finishedAt: Date | null },
  rows: ReadonlyArray<{ state: ClusterRolloutState; wave: number; startedAt: Date | null }>,
): RolloutSummary {
  const clusters = { ...NO_CLUSTERS };
  for (const row of rows) clusters[row.state] += 1;
  const covered = rows.filter((row) => row.state !== 'superseded' && row.state !== 'removed');
  return {
    id: rollout.id,
    app: rollout.appName,
    kind: rollout.kind,
    revision: formatRevision({ ref: rollout.ref, commit: rollout.commit }),
    state: rollout.state,
    message: rollout.message,
    wave: Math.max(0, ...rows.filter((row) => row.startedAt !== null).map((row) => row.wave)),
    waves: new Set(covered.map((row) => row.wave)).size,
    total: covered.length,
    updated: clusters.updating + clusters.verifying + clusters.succeeded + clusters.failed,
    clusters,
    finished: rollout.finishedAt !== null,
  };
}
