import type { RolloutDetailView, RolloutView } from '@flotilla/api';
import { formatRevision } from '@flotilla/core';
import type { RolloutCluster } from './rollout-cluster.entity.js';
import { summarizeRollout } from './rollout-summary.js';
import type { Rollout } from './rollout.entity.js';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** A rollout as the REST list shows it: where it is, in numbers. */
export function toRolloutView(rollout: Rollout, rows: readonly RolloutCluster[]): RolloutView {
  const summary = summarizeRollout(rollout, rows);
  return {
    id: rollout.id,
    app: rollout.appName,
    kind: rollout.kind,
    revision: summary.revision,
    state: rollout.state,
    message: rollout.message,
    strategy: rollout.strategy,
    currentWave: summary.wave,
    waveCount: summary.waves,
    progress: { total: summary.total, updated: summary.updated, ...summary.clusters },
    createdBy: rollout.createdBy,
    createdAt: rollout.createdAt.toISOString(),
    updatedAt: rollout.updatedAt.toISOString(),
    finishedAt: iso(rollout.finishedAt),
  };
}

/** A rollout with its waves and the state of each cluster in them. */
export function toRolloutDetailView(rollout: Rollout, rows: readonly RolloutCluster[]): RolloutDetailView {
  const ordered = [...rows].sort((a, b) => a.position - b.position);
  const waves = [...new Set(ordered.map((row) => row.wave))].sort((a, b) => a - b);
  return {
    ...toRolloutView(rollout, rows),
    waves: waves.map((wave) => {
      const inWave = ordered.filter((row) => row.wave === wave);
      return {
        index: wave,
        canary: inWave.some((row) => row.canary),
        clusters: inWave.map((row) => ({
          cluster: row.clusterName,
          state: row.state,
          fromRevision: row.fromCommit ? formatRevision({ ref: rollout.ref, commit: row.fromCommit }) : null,
          generation: row.generation,
          startedAt: iso(row.startedAt),
          healthySince: iso(row.healthySince),
          finishedAt: iso(row.finishedAt),
          message: row.message,
        })),
      };
    }),
  };
}
