import type { DriftIgnoreRule, ObjectRef } from '@flotilla/core';

/** How drift is treated: detect and report, detect and correct, or neither. */
export type DriftMode = 'report' | 'correct' | 'off';

/** What this cluster must run for one App: the agent-side, wire-independent form of an Assignment. */
export interface AgentAssignment {
  app: string;
  generation: number;
  source: { url: string; ref: string; commit: string; credentials?: { username: string; password: string } };
  /** `ref@sha1:<hex>`. */
  revision: string;
  path: string;
  variables: Record<string, string>;
  defaultNamespace: string;
  policy: {
    prune: boolean;
    driftMode: DriftMode;
    healthTimeoutMs: number;
    autoRollback: boolean;
    driftCheckIntervalMs: number;
    /** Objects and fields excluded from drift detection and correction (absent in assignments stored by older agents). */
    driftIgnore?: DriftIgnoreRule[];
    /** Upper bound of the correction backoff; 0 uses the agent default. */
    correctionBackoffMaxMs?: number;
    /** Corrections of one object in a streak before the agent reports a fight and stops; 0 uses the agent default. */
    maxCorrections?: number;
  };
  pinned: boolean;
}

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
