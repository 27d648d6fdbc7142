/** States of a rollout, as the REST API writes them. */
export const ROLLOUT_STATES = ['progressing', 'paused', 'halted', 'rolling-back', 'completed', 'aborted', 'superseded'] as const;

/** What started a rollout: a new revision to follow, or an operator's rollback (which pins its clusters). */
export const ROLLOUT_KINDS = ['update', 'rollback'] as const;

/** Where one cluster is in a rollout (see the hub's rollout-states.ts for the transitions). */
export const CLUSTER_ROLLOUT_STATES = [
  'pending',
  'updating',
  'verifying',
  'succeeded',
  'failed',
  'reverting',
  'reverted',
  'revert-failed',
  'superseded',
  'removed',
] as const;
