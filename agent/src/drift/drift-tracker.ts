import type { KubeObject } from '@flotilla/core';
import type { InventoryRecord } from '@flotilla/kube';
import type { AgentAssignment } from '../assignment/agent-assignment.js';

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
  /**
   * The App's desired objects as applied (`isComplete` false when some failed); starts watching and compares them all,
   * except those in `after` (by objectKey: as the apply just left them, so matching) while the watch shows them so.
   */
  track(assignment: AgentAssignment, objects: readonly KubeObject[], options: { isComplete: boolean; after?: ReadonlyMap<string, KubeObject> }): void;
  /** The App is being removed: stop watching its objects, so pruning them is not drift. */
  forget(app: string): void;
}
