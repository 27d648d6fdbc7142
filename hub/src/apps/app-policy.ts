import { DEFAULT_ROLLOUT_STRATEGY, type RolloutStrategy } from './rollout-strategy.js';

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
    /** Corrections of one object in a row that do not hold before the agent reports a fight and stops; 0 uses the agent default (5). */
    maxCorrections?: number;
    /** Longest wait, in seconds, between corrections of one object, and how soon drift must come back to count as a fight; 0 uses the agent default (300). */
    correctionBackoffMaxSeconds?: number;
  };
  health: {
    /** Seconds to wait for health after apply before calling the revision Degraded. */
    timeoutSeconds: number;
  };
  rollback: {
    /** Return a cluster to its last healthy revision by itself when a revision fails there. */
    auto: boolean;
  };
  /** Create the namespaces the App's objects are in when missing; absent in apps stored before it, meaning false. */
  createNamespace?: boolean;
  /** How a new revision reaches the targets (canary, waves); absent in apps stored before rollouts, meaning the default. */
  rollout?: RolloutStrategy;
}

/** The policy of an App created without one. */
export const DEFAULT_APP_POLICY: AppPolicy = {
  prune: true,
  drift: { mode: 'report', ignore: [], checkIntervalSeconds: 0, maxCorrections: 0, correctionBackoffMaxSeconds: 0 },
  health: { timeoutSeconds: 300 },
  rollback: { auto: false },
  createNamespace: false,
  rollout: DEFAULT_ROLLOUT_STRATEGY,
};

/** What one cluster changes of its App's policy: the drift policy, merged over the App's (lists given replace). */
export interface PolicyOverride {
  drift?: Partial<AppPolicy['drift']>;
}
