/** States of a rollout, as the REST API writes them (the status stream's RolloutState, in words). */
export type RolloutState = 'progressing' | 'paused' | 'halted' | 'rolling-back' | 'completed' | 'aborted' | 'superseded';

/** What started a rollout: a new revision to follow, or an operator's rollback (which pins its clusters). */
export type RolloutKind = 'update' | 'rollback';

/**
 * Where one cluster is in a rollout:
 * `pending` (waits for its wave) → `updating` (its assignment carries the revision; no verdict yet) → `verifying`
 * (healthy, for the minimum healthy time) → `succeeded`, or `failed` (apply error, Degraded, rolled back by its agent).
 * When the rollout rolls back: `reverting` → `reverted` or `revert-failed`. A newer rollout taking the cluster before
 * it settled makes it `superseded`; a cluster that stops being a target before it settled is `removed`.
 */
export type ClusterRolloutState =
  | 'pending'
  | 'updating'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'reverting'
  | 'reverted'
  | 'revert-failed'
  | 'superseded'
  | 'removed';

/** Cluster states that still wait for something. */
export const UNSETTLED_STATES: ReadonlySet<ClusterRolloutState> = new Set(['pending', 'updating', 'verifying', 'reverting']);

/** Cluster states whose assignment carries the rollout's revision. */
export const UPDATED_STATES: ReadonlySet<ClusterRolloutState> = new Set(['updating', 'verifying', 'succeeded', 'failed']);

/** Whether a cluster state still waits for something. */
export function isUnsettled(state: ClusterRolloutState): boolean {
  return UNSETTLED_STATES.has(state);
}
