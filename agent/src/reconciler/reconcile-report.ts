import type { ChangeSetEntry, ChangeSummary, ObjectRef } from '@flotilla/core';
import type { ReportError, ReportHealth, ReportPhase } from './agent-assignment.js';

/** The outcome of one reconcile of one App, as the agent reports it. */
export interface ReconcileReport {
  reportId: string;
  app: string;
  generation: number;
  revision: string;
  phase: ReportPhase;
  health: ReportHealth;
  summary: ChangeSummary;
  changes: ChangeSetEntry[];
  errors: ReportError[];
  startedAt: Date;
  durationMs: number;
  inventory: ObjectRef[];
  /** Set when the agent rolled the App back by itself: the revision that failed, the one restored, and why. */
  rollback?: { failedRevision: string; restoredRevision: string; reason: ReportError };
}
