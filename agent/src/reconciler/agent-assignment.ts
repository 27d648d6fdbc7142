import type { ObjectRef } from '@flotilla/core';

/** How drift is treated (detection lands with the drift work; the policy travels already). */
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
