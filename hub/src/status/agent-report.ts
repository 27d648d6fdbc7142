import type { AppHealth, AppPhase, ChangeCounts, ReportedError } from './status-types.js';

/** A reconcile outcome as the hub's domain sees it, mapped from the wire at the agent-stream edge. */
export interface AgentReport {
  reportId: string;
  app: string;
  generation: number;
  revision: string;
  phase: AppPhase;
  health: AppHealth;
  changes: ChangeCounts;
  errors: ReportedError[];
  durationMs: number;
  inventory: string[];
  /** Set when the agent rolled the cluster back by itself. */
  rollback?: { failedRevision: string; restoredRevision: string; reason: string };
  /** A resync of a generation applied before found nothing to apply: keep the change set held, add no history entry. */
  nothingApplied?: boolean;
}
