import { describe, expect, it } from 'vitest';
import { rolloutStrategySchema } from '@flotilla/api';
import { DEFAULT_ROLLOUT_STRATEGY, isCanary, mergeRolloutStrategy, resolveClusterCount } from './rollout-strategy.js';

describe('rollout strategy', () => {
  it('fills what a body leaves out from the current strategy, or the default', () => {
    expect(mergeRolloutStrategy(undefined, { minHealthySeconds: 30 })).toEqual({ ...DEFAULT_ROLLOUT_STRATEGY, minHealthySeconds: 30 });
    const base = mergeRolloutStrategy(undefined, { canary: { clusters: ['eu-1'] }, waveSize: 2 });
    expect(mergeRolloutStrategy(base, { onFailure: 'rollback' })).toMatchObject({ canary: { clusters: ['eu-1'], selector: null }, waveSize: 2, onFailure: 'rollback' });
    expect(mergeRolloutStrategy(base, { canary: null }).canary).toBeNull();
  });

  it('switches between wave size and max unavailable rather than keeping both', () => {
    const waves = mergeRolloutStrategy(undefined, { waveSize: '25%' });
    expect(mergeRolloutStrategy(waves, { maxUnavailable: 1 })).toMatchObject({ waveSize: null, maxUnavailable: 1 });
    expect(rolloutStrategySchema.safeParse({ waveSize: 1, maxUnavailable: 1 }).success).toBe(false);
  });

  it('refuses percentages out of range and canaries that name nothing', () => {
    expect(rolloutStrategySchema.safeParse({ waveSize: '0%' }).success).toBe(false);
    expect(rolloutStrategySchema.safeParse({ waveSize: '150%' }).success).toBe(false);
    expect(rolloutStrategySchema.safeParse({ canary: {} }).success).toBe(false);
  });

  it('resolves percentages of the clusters, rounding up and never below one', () => {
    expect(resolveClusterCount('25%', 10)).toBe(3);
    expect(resolveClusterCount('1%', 3)).toBe(1);
    expect(resolveClusterCount(4, 10)).toBe(4);
  });

  it('tells canaries by name or label', () => {
    const strategy = mergeRolloutStrategy(undefined, { canary: { clusters: ['eu-1'], selector: { matchLabels: { ring: '0' } } } });
    expect(isCanary(strategy, { name: 'eu-1', labels: {} })).toBe(true);
    expect(isCanary(strategy, { name: 'us-1', labels: { ring: '0' } })).toBe(true);
    expect(isCanary(strategy, { name: 'us-2', labels: { ring: '1' } })).toBe(false);
  });
});
