/** Counts of a change set by action. */
export interface ChangeCounts {
  created: number;
  configured: number;
  unchanged: number;
  pruned: number;
  skipped: number;
  failed: number;
}

/** An error an agent reported, with a stable code and the object or file it concerns. */
export interface ReportedError {
  code: string;
  message: string;
  object?: string;
  file?: string;
  line?: number;
}

/** Phases of an App on a cluster, as the REST API writes them. */
export type AppPhase = 'Pending' | 'Fetching' | 'Applying' | 'Synced' | 'Failed' | 'RolledBack' | 'Unknown';

/** Health of an App on a cluster, as the REST API writes it. */
export type AppHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';

/** What one revision came to on one cluster, as a history entry records it. */
export type HistoryOutcome = 'healthy' | 'degraded' | 'progressing' | 'synced' | 'failed' | 'rolled-back';
