import type { Assignment } from '../assignments/assignment.entity.js';
import type { AgentDriftReport } from '../drift/drift-report.js';
import type { AgentReport } from '../status/agent-report.js';

// The messages of an agent stream as the hub's domain sees them: the gRPC edge (grpc/agent-wire-mapping.ts) maps
// them from and to the wire, so nothing past it knows the generated types.

/** A message from an agent. */
export type AgentMessage =
  /** `droppedReports`: reports the agent dropped (its outbox was full) since a hub last answered its hello. */
  | { kind: 'hello'; cluster: string; agentVersion: string; kubernetesVersion: string; droppedReports: number }
  | { kind: 'heartbeat'; sequence: number }
  | { kind: 'ack'; app: string; generation: number }
  | { kind: 'status'; report: AgentReport }
  /** A status report that cannot be stored as it is (fields longer than their columns, …): it is dropped. */
  | { kind: 'malformed-status'; problems: string[] }
  | { kind: 'drift'; report: AgentDriftReport }
  | { kind: 'command-result'; id: string; ok: boolean; error: { code: string; message: string } | null }
  /** A message with nothing the hub knows in it (a newer agent's): ignored. */
  | { kind: 'unknown' };

/** An imperative request to an agent: report everything held, reconcile an app now, or compare for drift now. */
export interface AgentCommand {
  resync?: Record<string, never>;
  reconcileNow?: { app: string };
  checkDrift?: { app: string };
}

/** A message to an agent. */
export type HubMessage =
  | { kind: 'hello'; cluster: string; hubVersion: string; heartbeatIntervalMs: number; heartbeatTimeoutMs: number; serverTime: Date }
  | { kind: 'heartbeat-ack'; sequence: number; receivedAt: Date }
  /** An active assignment: the artifact to apply (Git credentials never leave the hub). */
  | { kind: 'assignment'; assignment: Assignment }
  | { kind: 'unassignment'; assignment: Assignment }
  | { kind: 'assignments-complete'; apps: string[] }
  | { kind: 'credential-rotation'; credential: string; previousExpiresAt: Date }
  | { kind: 'command'; id: string; command: AgentCommand };
