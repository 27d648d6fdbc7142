import type { FieldDiff, KubeObject, ObjectRef } from '@flotilla/core';
import type { InventoryRecord } from '@flotilla/kube';
import type { AgentAssignment } from '../reconciler/agent-assignment.js';

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
  /** Corrections made in the current streak (see correction-streak.ts). */
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

/**
 * What a reconcile tells drift detection, so that Flotilla's own writes are never taken for drift: it holds an App
 * while applying, hands over the desired objects once applied (which releases the hold), and forgets removed Apps.
 */
export interface DriftTracker {
  /** Whether this generation was applied completely before (restart, resync): then it is not applied again. */
  isApplied(assignment: AgentAssignment, previous: InventoryRecord | undefined): boolean;
  /** Flotilla is about to write the App's objects: decide nothing about them until track() or release(). */
  hold(app: string): void;
  /** The apply ended without a new desired state (it failed): decide again about what changed meanwhile. */
  release(app: string): void;
  /** The App's desired objects as applied (`isComplete` false when some failed); starts watching and compares them all. */
  track(assignment: AgentAssignment, objects: readonly KubeObject[], options: { isComplete: boolean }): void;
  /** The App is being removed: stop watching its objects, so pruning them is not drift. */
  forget(app: string): void;
}
