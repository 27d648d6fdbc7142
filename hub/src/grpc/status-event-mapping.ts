import { formatRevision } from '@flotilla/core';
import {
  type AppClusterStatus,
  type ClusterInfo,
  ClusterEventType,
  Health,
  Phase,
  type StatusEvent,
  toTimestamp,
} from '@flotilla/proto';
import type { Assignment } from '../assignments/assignment.entity.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import type { ClusterEventType as DomainClusterEventType } from '../clusters/cluster-events.js';
import type { ClusterAppStatus } from '../status/cluster-app-status.entity.js';

// The edge between the hub's domain and the StatusService wire types.

const PHASES: Record<string, Phase> = {
  Pending: Phase.PHASE_PENDING,
  Fetching: Phase.PHASE_FETCHING,
  Applying: Phase.PHASE_APPLYING,
  Synced: Phase.PHASE_SYNCED,
  Failed: Phase.PHASE_FAILED,
  RolledBack: Phase.PHASE_ROLLED_BACK,
};

const HEALTHS: Record<string, Health> = {
  Healthy: Health.HEALTH_HEALTHY,
  Progressing: Health.HEALTH_PROGRESSING,
  Degraded: Health.HEALTH_DEGRADED,
  Unknown: Health.HEALTH_UNKNOWN,
};

const CLUSTER_EVENT_TYPES: Record<DomainClusterEventType, ClusterEventType> = {
  registered: ClusterEventType.CLUSTER_EVENT_TYPE_REGISTERED,
  updated: ClusterEventType.CLUSTER_EVENT_TYPE_UPDATED,
  connected: ClusterEventType.CLUSTER_EVENT_TYPE_CONNECTED,
  disconnected: ClusterEventType.CLUSTER_EVENT_TYPE_DISCONNECTED,
  removed: ClusterEventType.CLUSTER_EVENT_TYPE_REMOVED,
};

/** The wire form of a cluster. */
export function toClusterInfo(cluster: Cluster): ClusterInfo {
  return {
    name: cluster.name,
    labels: cluster.labels,
    connected: cluster.connected,
    lastHeartbeat: cluster.lastHeartbeatAt ? toTimestamp(cluster.lastHeartbeatAt) : undefined,
    agentVersion: cluster.agentVersion,
    kubernetesVersion: cluster.kubernetesVersion,
  };
}

/** The wire form of a cluster event. */
export function toClusterEvent(type: DomainClusterEventType, cluster: Cluster): StatusEvent['cluster'] {
  return { type: CLUSTER_EVENT_TYPES[type], cluster: toClusterInfo(cluster) };
}

/**
 * The wire form of one app on one cluster: desired state from the assignment, applied state from the status, and the
 * app's latest revision's render failure on that cluster, if any, first among the errors (code RENDER_FAILED).
 */
export function toAppClusterStatus(
  app: string,
  cluster: string,
  assignment: Assignment | null,
  status: ClusterAppStatus | null,
  driftedObjects = 0,
  renderFailure?: { message: string; file?: string },
): AppClusterStatus {
  const renderErrors = renderFailure ? [{ code: 'RENDER_FAILED', message: renderFailure.message, file: renderFailure.file ?? '', line: 0 }] : [];
  return {
    app,
    cluster,
    desiredRevision: assignment?.active && assignment.commit ? formatRevision({ ref: assignment.ref, commit: assignment.commit }) : '',
    desiredGeneration: assignment?.active ? assignment.generation : 0,
    appliedRevision: status?.revision ?? '',
    appliedGeneration: status?.generation ?? 0,
    phase: status ? (PHASES[status.phase] ?? Phase.PHASE_UNSPECIFIED) : Phase.PHASE_PENDING,
    health: status ? (HEALTHS[status.health] ?? Health.HEALTH_UNKNOWN) : Health.HEALTH_UNSPECIFIED,
    changes: status?.changes,
    errors: [...renderErrors, ...(status?.errors ?? []).map((e) => ({ code: e.code, message: e.message, file: e.file ?? '', line: e.line ?? 0 }))],
    driftedObjects,
    updatedAt: toTimestamp(status?.updatedAt ?? assignment?.updatedAt ?? new Date()),
  };
}

/** The wire form of an assignment change. */
export function toAssignmentEvent(assignment: Assignment): StatusEvent['assignment'] {
  return {
    app: assignment.appName,
    cluster: assignment.clusterName,
    generation: assignment.generation,
    revision: assignment.active && assignment.commit ? formatRevision({ ref: assignment.ref, commit: assignment.commit }) : '',
    removed: !assignment.active,
  };
}
