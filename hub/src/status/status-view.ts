import type { AppClusterStatusView, HistoryView } from '@flotilla/api';
import { formatRevision } from '@flotilla/core';
import type { AssignmentSummary } from '../assignments/assignment.entity.js';
import type { ClusterAppStatus } from './cluster-app-status.entity.js';
import type { HistoryEntry } from './history-entry.entity.js';
import type { AppHealth, AppPhase } from './status-types.js';

/** Joins an assignment and a status (either may be missing) into the REST view. */
export function toStatusView(app: string, cluster: string, assignment: AssignmentSummary | undefined, status: ClusterAppStatus | undefined, driftedObjects = 0): AppClusterStatusView {
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
        // Stored as written by the wire mapping, which only writes AppPhase and AppHealth values.
        phase: status.phase as AppPhase,
        health: status.health as AppHealth,
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
export function toHistoryView(entry: HistoryEntry): HistoryView {
  return {
    cluster: entry.clusterName,
    revision: entry.revision,
    generation: entry.generation,
    outcome: entry.outcome as AppPhase,
    changes: entry.changes,
    message: entry.message,
    createdAt: entry.createdAt.toISOString(),
  };
}
