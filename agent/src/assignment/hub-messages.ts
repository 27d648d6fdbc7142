import type { AgentAssignment, HeldState } from './agent-assignment.js';
import type { AppDriftReport } from './drift-report.js';
import type { ReconcileReport } from './reconcile-report.js';

/** What the agent says in its hello on every connect, in its own types (wire/ maps them). */
export interface AgentHello {
  cluster: string;
  agentVersion: string;
  kubernetesVersion: string;
  assignments: HeldState[];
  /** Feature names this agent understands ("rollback.v1"). */
  capabilities: string[];
}

/** A message from the hub after its hello, in the agent's own types (wire/ maps them); `kind` names it. */
export type InboundMessage =
  | { kind: 'assign'; assignment: AgentAssignment }
  | { kind: 'unassign'; app: string; generation: number; prune: boolean }
  /** Ends the burst of assignments sent on connect: the agent drops any App not listed. */
  | { kind: 'assignmentsComplete'; apps: readonly string[] }
  /** A command: compare an App (undefined: every App) with its desired state now, then answer. */
  | { kind: 'checkDrift'; commandId: string; app: string | undefined }
  /** A command: report everything held. */
  | { kind: 'resync'; commandId: string }
  /** A command: reconcile an App now. */
  | { kind: 'reconcileNow'; commandId: string; app: string }
  | { kind: 'credentialRotation'; credential: string; previousExpiresAt: Date | undefined };

/** A message for the hub, in the agent's own types (wire/ maps them); `kind` names it. */
export type OutboundMessage =
  | { kind: 'status'; report: ReconcileReport }
  /** An assignment generation has been reconciled (or removed). */
  | { kind: 'ack'; app: string; generation: number }
  | { kind: 'drift'; report: AppDriftReport }
  | { kind: 'commandResult'; commandId: string; ok: boolean; error?: { code: string; message: string } };
