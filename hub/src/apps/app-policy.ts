import { DEFAULT_ROLLOUT_STRATEGY, type RolloutStrategy } from '../rollouts/rollout-strategy.js';

/** A rule excluding objects or fields from drift detection and correction. */
export interface DriftIgnoreRule {
  kind?: string;
  namespace?: string;
  name?: string;
  /** JSON pointers of ignored fields; none ignores the whole object. */
  jsonPointers?: string[];
}

/** How an App is applied and kept in place. Every field has a default (DEFAULT_APP_POLICY). */
export interface AppPolicy {
  /** Delete objects that left the inventory, and everything when the App or cluster is removed. */
  prune: boolean;
  drift: {
    mode: 'report' | 'correct' | 'off';
    ignore: DriftIgnoreRule[];
    /** Seconds between full comparisons backing up the watches; 0 uses the agent default. */
    checkIntervalSeconds: number;
  };
  health: {
    /** Seconds to wait for health after apply before calling the revision Degraded. */
    timeoutSeconds: number;
  };
  rollback: {
    /** Return a cluster to its last healthy revision by itself when a revision fails there. */
    auto: boolean;
  };
  /** How a new revision reaches the targets (canary, waves); absent in apps stored before rollouts, meaning the default. */
  rollout?: RolloutStrategy;
}

/** The policy of an App created without one. */
export const DEFAULT_APP_POLICY: AppPolicy = {
  prune: true,
  drift: { mode: 'report', ignore: [], checkIntervalSeconds: 0 },
  health: { timeoutSeconds: 300 },
  rollback: { auto: false },
  rollout: DEFAULT_ROLLOUT_STRATEGY,
};
