import { isCanary, resolveClusterCount, type RolloutStrategy } from '../apps/rollout-strategy.js';

/** Where one cluster goes in a rollout. */
export interface WaveSlot {
  clusterName: string;
  position: number;
  wave: number;
  canary: boolean;
}

/** A cluster as wave planning sees it. */
export interface PlannedCluster {
  name: string;
  labels: Record<string, string>;
}

const byName = (a: PlannedCluster, b: PlannedCluster): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Clusters per wave after the canary: the wave size or max unavailable, or all of them at once. */
function waveSizeOf(strategy: RolloutStrategy, clusters: number): number {
  const count = strategy.waveSize ?? strategy.maxUnavailable;
  return count === null ? Math.max(1, clusters) : resolveClusterCount(count, clusters);
}

/**
 * Orders the clusters of a new rollout and gives each its wave: the canaries first, as wave 0, then the others by name
 * in waves of the strategy's size (with max unavailable, waves of that size show the order; clusters start one by one).
 */
export function planWaves(clusters: readonly PlannedCluster[], strategy: RolloutStrategy): WaveSlot[] {
  const canaries = clusters.filter((c) => isCanary(strategy, c)).sort(byName);
  const others = clusters.filter((c) => !isCanary(strategy, c)).sort(byName);
  const first = canaries.length > 0 ? 1 : 0;
  const size = waveSizeOf(strategy, others.length);
  return [
    ...canaries.map((c, i) => ({ clusterName: c.name, position: i, wave: 0, canary: true })),
    ...others.map((c, i) => ({ clusterName: c.name, position: canaries.length + i, wave: first + Math.floor(i / size), canary: false })),
  ];
}

/**
 * Places clusters that join a rollout after it started (new targets): after the others, filling the last wave to the
 * strategy's size and then opening new waves. They are never canaries.
 */
export function appendToWaves(existing: ReadonlyArray<Pick<WaveSlot, 'position' | 'wave' | 'canary'>>, clusters: readonly PlannedCluster[], strategy: RolloutStrategy): WaveSlot[] {
  const others = existing.filter((slot) => !slot.canary);
  const size = waveSizeOf(strategy, others.length + clusters.length);
  let position = Math.max(-1, ...existing.map((slot) => slot.position)) + 1;
  let wave = others.length > 0 ? Math.max(...others.map((slot) => slot.wave)) : existing.length > 0 ? 1 : 0;
  let inWave = others.filter((slot) => slot.wave === wave).length;
  return [...clusters].sort(byName).map((c) => {
    if (inWave >= size) {
      wave += 1;
      inWave = 0;
    }
    inWave += 1;
    return { clusterName: c.name, position: position++, wave, canary: false };
  });
}
