import { formatRevision } from '@flotilla/core';
import type { Assignment } from '../assignments/assignment.entity.js';
import type { ClusterAppStatus } from './cluster-app-status.entity.js';
import type { HistoryEntry } from './history-entry.entity.js';

/** One app on one cluster: what the hub wants there and what the agent last reported. */
export interface AppClusterStatusView {
  app: string;
  cluster: string;
  desired: { revision: string | null; generation: number; pinned: boolean } | null;
  applied: {
    revision: string;
    generation: number;
    phase: string;
    health: string;
    changes: ClusterAppStatus['changes'];
    errors: ClusterAppStatus['errors'];
    durationMs: number;
    objects: number;
    updatedAt: string;
  } | null;
  /** True when the agent has reconciled the desired generation. */
  inSync: boolean;
  /** Objects of the app on the cluster that differ from their desired state now (GET /api/v1/drift lists them). */
  driftedObjects: number;
}

/** Joins an assignment and a status (either may be missing) into the REST view. */
export function toStatusView(app: string, cluster: string, assignment: Assignment | undefined, status: ClusterAppStatus | undefined, driftedObjects = 0): AppClusterStatusView {
  const desired =
    assignment && assignment.active
      ? {
          revision: assignment.commit ? formatRevision({ ref: assignment.ref, commit: assignment.commit }) : null,
          generation: assignment.generation,
          pinned: assignment.pinned,
        }
      : null;
  const applied = status
    ? {
        revision: status.revision,
        generation: status.generation,
        phase: status.phase,
        health: status.health,
        changes: status.changes,
        errors: status.errors,
        durationMs: status.durationMs,
        objects: status.inventory.length,
        updatedAt: status.updatedAt.toISOString(),
      }
    : null;
  return { app, cluster, desired, applied, inSync: desired !== null && applied !== null && applied.generation >= desired.generation, driftedObjects };
}

/** A history entry as the REST API shows it. */
export function toHistoryView(entry: HistoryEntry) {
  return {
    cluster: entry.clusterName,
    revision: entry.revision,
    generation: entry.generation,
    outcome: entry.outcome,
    changes: entry.changes,
    message: entry.message,
    createdAt: entry.createdAt.toISOString(),
  };
}
