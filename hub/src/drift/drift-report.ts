/** What the agent did about a drifted object. */
export type DriftAction = 'reported' | 'corrected' | 'fighting';

/** One field that differs; values are JSON (absent when the field is absent on that side). */
export interface FieldDiffView {
  path: string;
  desired?: unknown;
  live?: unknown;
}

/** The identity of an object. */
export interface DriftObjectRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Drift of one object, as the hub's domain sees it. */
export interface DriftedObjectReport {
  object: DriftObjectRef;
  deleted: boolean;
  diffs: FieldDiffView[];
  manager: string;
  changedAt: Date | null;
  detectedAt: Date;
  action: DriftAction;
  corrections: number;
}

/** A drift report of one App on one cluster, mapped from the wire at the agent-stream edge. */
export interface AgentDriftReport {
  app: string;
  generation: number;
  objects: DriftedObjectReport[];
  cleared: DriftObjectRef[];
  /** `objects` is every drifted object of the App: anything else stored is cleared. */
  full: boolean;
}
