import type { ChangeSetEntry, ChangeSummary, ObjectRef } from '@flotilla/core';

/** Phases of an App on this cluster, as reports carry them. */
export type ReportPhase = 'Synced' | 'Failed' | 'RolledBack';

/** Health after apply. */
export type ReportHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';

/** An error as a report carries it: stable code, message, and the object or file concerned. */
export interface ReportError {
  code: string;
  message: string;
  object?: ObjectRef;
  file?: string;
  line?: number;
}

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
  /** A resync of a generation applied before that found nothing to apply (health checked once, not waited for). */
  nothingApplied?: boolean;
}
