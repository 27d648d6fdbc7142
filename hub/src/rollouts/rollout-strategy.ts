import { type LabelSelector, matchesLabelSelector } from '@flotilla/core';
import type { RolloutStrategyBody } from '@flotilla/api';

/** A count of clusters, or a percentage of them written `"25%"`. */
export type ClusterCount = number | `${number}%`;

/**
 * How an App moves to a new revision: canary clusters first, then waves, each waiting until the one before has been
 * healthy for `minHealthySeconds`; past `maxFailures` failed clusters the rollout halts or rolls back.
 */
export interface RolloutStrategy {
  /** Clusters updated first, as wave 0, by name or label selector; null for no canary wave. */
  canary: { clusters: string[]; selector: LabelSelector | null } | null;
  /** Clusters per wave after the canary; null (and no maxUnavailable) updates all of them in one wave. */
  waveSize: ClusterCount | null;
  /** Instead of fixed waves: at most this many clusters updating at once, the next starting as soon as one is done. */
  maxUnavailable: ClusterCount | null;
  /** How long the clusters of a wave must stay healthy before the next wave starts. */
  minHealthySeconds: number;
  /** Failed clusters tolerated; one more and `onFailure` applies. */
  maxFailures: number;
  /** `halt`: stop, clusters keep what they have; `rollback`: updated clusters go back to their previous revision. */
  onFailure: 'halt' | 'rollback';
}

/** The strategy of an App that has none: every target at once, halting on the first failure. */
export const DEFAULT_ROLLOUT_STRATEGY: RolloutStrategy = {
  canary: null,
  waveSize: null,
  maxUnavailable: null,
  minHealthySeconds: 0,
  maxFailures: 0,
  onFailure: 'halt',
};

/** Overlays a body's strategy fields onto a strategy; setting waveSize clears maxUnavailable and the reverse. */
export function mergeRolloutStrategy(base: RolloutStrategy | undefined, patch: RolloutStrategyBody | undefined): RolloutStrategy {
  const merged: RolloutStrategy = { ...DEFAULT_ROLLOUT_STRATEGY, ...base };
  if (!patch) return merged;
  if (patch.canary !== undefined) merged.canary = patch.canary === null ? null : { clusters: patch.canary.clusters ?? [], selector: patch.canary.selector ?? null };
  if (patch.waveSize !== undefined) {
    merged.waveSize = patch.waveSize;
    if (patch.waveSize !== null) merged.maxUnavailable = null;
  }
  if (patch.maxUnavailable !== undefined) {
    merged.maxUnavailable = patch.maxUnavailable;
    if (patch.maxUnavailable !== null) merged.waveSize = null;
  }
  if (patch.minHealthySeconds !== undefined) merged.minHealthySeconds = patch.minHealthySeconds;
  if (patch.maxFailures !== undefined) merged.maxFailures = patch.maxFailures;
  if (patch.onFailure !== undefined) merged.onFailure = patch.onFailure;
  return merged;
}

/** A count or percentage applied to a number of clusters: percentages round up, and never below 1. */
export function resolveClusterCount(count: ClusterCount, total: number): number {
  if (typeof count === 'number') return count;
  return Math.max(1, Math.ceil((total * Number(count.slice(0, -1))) / 100));
}

/** Whether a cluster is one of the strategy's canaries. */
export function isCanary(strategy: RolloutStrategy, cluster: { name: string; labels: Record<string, string> }): boolean {
  const canary = strategy.canary;
  if (!canary) return false;
  return canary.clusters.includes(cluster.name) || (canary.selector !== null && matchesLabelSelector(canary.selector, cluster.labels));
}
