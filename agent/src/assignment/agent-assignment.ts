import type { DriftIgnoreRule } from '@flotilla/core';

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

/** What the agent holds for one App, as its hello to the hub lists it. */
export interface HeldState {
  app: string;
  receivedGeneration: number;
  appliedGeneration: number;
  appliedRevision: string;
}
