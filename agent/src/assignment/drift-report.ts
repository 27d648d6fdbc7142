import type { FieldDiff, ObjectRef } from '@flotilla/core';

/** What the agent did about a drifted object. */
export type DriftAction = 'reported' | 'corrected' | 'fighting';

/** Drift of one managed object, as the agent reports it; mirrors flotilla.v1.DriftedObject. */
export interface DriftedObject {
  ref: ObjectRef;
  /** The object is gone from the cluster. */
  deleted: boolean;
  /** The managed fields that differ (none when deleted). */
  diffs: FieldDiff[];
  /** The field manager that made the change, from managedFields; empty when unknown. */
  manager: string;
  /** When that manager last wrote the object. */
  changedAt?: Date;
  /** When the agent noticed this drift. */
  detectedAt: Date;
  action: DriftAction;
  /** Corrections made in the current streak (see drift/correction-streak.ts). */
  corrections: number;
}

/** Drift of one App, or its clearing; level-triggered like assignments: a `full` report replaces what the hub holds. */
export interface AppDriftReport {
  app: string;
  /** Generation whose desired state was compared. */
  generation: number;
  objects: DriftedObject[];
  cleared: ObjectRef[];
  full: boolean;
}
