import type { DriftIgnoreRule } from '@flotilla/core';

/** A content-addressed artifact: `sha256:<64 hex>` of its canonical bytes, and their length. */
export interface ArtifactRef {
  digest: string;
  size: number;
}

/** How drift is treated: detect and report, detect and correct, or neither. */
export type DriftMode = 'report' | 'correct' | 'off';

/** What this cluster must run for one App: the agent-side, wire-independent form of an Assignment. */
export interface AgentAssignment {
  app: string;
  generation: number;
  /** Where the revision came from, for reports only: the agent never fetches it (and holds no Git credential). */
  source: { url: string; ref: string; commit: string };
  /** `ref@sha1:<hex>`. */
  revision: string;
  /** The App's directory in the repository, for reports only. */
  path: string;
  /** Already substituted by the hub into the artifact; kept for reports. */
  variables: Record<string, string>;
  /** The rendered objects to apply, fetched from the hub by digest; absent only from a hub that does not render. */
  artifact?: ArtifactRef;
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
    /** Create the namespaces the App's objects are in when missing (absent in assignments stored by older agents). */
    createNamespace?: boolean;
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
