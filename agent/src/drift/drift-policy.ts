import type { DriftIgnoreRule } from '@flotilla/core';
import type { AgentAssignment, DriftMode } from '../assignment/agent-assignment.js';

/** Agent-wide defaults for what an assignment's policy leaves at 0. */
export interface DriftDefaults {
  /** Interval of the full comparison backing up the watches; default 5 minutes. */
  checkIntervalMs: number;
  /** Upper bound of the correction backoff, and the window in which repeated drift counts as a fight; default 5 minutes. */
  correctionBackoffMaxMs: number;
  /** Corrections in one streak after which the agent reports a fight and stops correcting; default 5. */
  maxCorrections: number;
  /** Delay before the second correction of a streak (the first is immediate), doubling after; default 250 ms. */
  correctionBaseDelayMs: number;
}

/** The defaults of a DriftMonitor. */
export const DRIFT_DEFAULTS: DriftDefaults = {
  checkIntervalMs: 300_000,
  correctionBackoffMaxMs: 300_000,
  maxCorrections: 5,
  correctionBaseDelayMs: 250,
};

/** An App's drift policy with every default filled in. */
export interface DriftPolicy {
  mode: DriftMode;
  ignore: DriftIgnoreRule[];
  checkIntervalMs: number;
  correctionBackoffMaxMs: number;
  maxCorrections: number;
  correctionBaseDelayMs: number;
}

/** The drift policy of an assignment (stored assignments from older agents may lack the newer fields). */
export function driftPolicyOf(policy: AgentAssignment['policy'], defaults: DriftDefaults): DriftPolicy {
  const backoffMax = policy.correctionBackoffMaxMs || defaults.correctionBackoffMaxMs;
  return {
    mode: policy.driftMode ?? 'report',
    ignore: policy.driftIgnore ?? [],
    checkIntervalMs: policy.driftCheckIntervalMs || defaults.checkIntervalMs,
    correctionBackoffMaxMs: backoffMax,
    maxCorrections: policy.maxCorrections || defaults.maxCorrections,
    correctionBaseDelayMs: Math.min(defaults.correctionBaseDelayMs, backoffMax),
  };
}
