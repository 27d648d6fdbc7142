import type { Assignment } from '../assignments/assignment.entity.js';
import type { Cluster } from '../clusters/cluster.entity.js';
import type { App } from '../apps/app.entity.js';
import type { Source } from '../sources/source.entity.js';
import type { RolloutSummary } from '../rollouts/rollout-summary.js';
import type { ClusterAppStatus } from '../status/cluster-app-status.entity.js';
import type { DriftRecord } from '../drift/drift-record.entity.js';
import type { DriftObjectRef } from '../drift/drift-report.js';

/** Kinds of cluster events. */
export type ClusterEventType = 'registered' | 'updated' | 'connected' | 'disconnected' | 'removed';

/** Something that happened in the fleet, as domain services announce it. */
export type HubEvent =
  | { kind: 'cluster'; type: ClusterEventType; cluster: Cluster }
  | { kind: 'source'; type: 'created' | 'updated' | 'removed' | 'revision'; source: Source }
  | { kind: 'app'; type: 'created' | 'updated' | 'removed'; app: App }
  | { kind: 'assignment'; assignment: Assignment }
  | { kind: 'status'; status: ClusterAppStatus }
  | { kind: 'drift'; cluster: string; app: string; objects: DriftRecord[]; cleared: DriftObjectRef[] }
  | { kind: 'rollout'; rollout: RolloutSummary };
