import { RolloutState as WireRolloutState, type StatusEvent } from '@flotilla/proto';
import type { RolloutState } from '../rollouts/rollout-states.js';
import type { RolloutSummary } from '../rollouts/rollout-summary.js';

const STATES: Record<RolloutState, WireRolloutState> = {
  progressing: WireRolloutState.ROLLOUT_STATE_PROGRESSING,
  paused: WireRolloutState.ROLLOUT_STATE_PAUSED,
  halted: WireRolloutState.ROLLOUT_STATE_HALTED,
  'rolling-back': WireRolloutState.ROLLOUT_STATE_ROLLING_BACK,
  completed: WireRolloutState.ROLLOUT_STATE_COMPLETED,
  aborted: WireRolloutState.ROLLOUT_STATE_ABORTED,
  superseded: WireRolloutState.ROLLOUT_STATE_SUPERSEDED,
};

/** The status stream's form of a rollout step. */
export function toRolloutEvent(summary: RolloutSummary): NonNullable<StatusEvent['rollout']> {
  return {
    id: String(summary.id),
    app: summary.app,
    revision: summary.revision,
    state: STATES[summary.state],
    wave: summary.wave,
    updatedClusters: summary.updated,
    totalClusters: summary.total,
    failedClusters: summary.clusters.failed,
    message: summary.message,
  };
}
