import { describe, expect, it } from 'vitest';
import { appendToWaves, planWaves } from './plan-waves.js';
import { DEFAULT_ROLLOUT_STRATEGY, mergeRolloutStrategy } from '../apps/rollout-strategy.js';

const clusters = ['us-2', 'eu-1', 'us-1', 'ap-1', 'eu-2'].map((name) => ({ name, labels: { region: name.slice(0, 2) } }));
const waves = (slots: ReturnType<typeof planWaves>) => slots.map((s) => `${s.wave}:${s.clusterName}${s.canary ? '*' : ''}`);

describe('planWaves', () => {
  it('puts every cluster in one wave, by name, without a strategy', () => {
    expect(waves(planWaves(clusters, DEFAULT_ROLLOUT_STRATEGY))).toEqual(['0:ap-1', '0:eu-1', '0:eu-2', '0:us-1', '0:us-2']);
  });

  it('sends canaries first as wave 0, then waves of the given size', () => {
    const strategy = mergeRolloutStrategy(undefined, { canary: { clusters: ['us-1'] }, waveSize: 2 });
    expect(waves(planWaves(clusters, strategy))).toEqual(['0:us-1*', '1:ap-1', '1:eu-1', '2:eu-2', '2:us-2']);
  });

  it('selects canaries by label and sizes waves by percentage, rounding up', () => {
    const strategy = mergeRolloutStrategy(undefined, { canary: { selector: { matchLabels: { region: 'eu' } } }, waveSize: '50%' });
    expect(waves(planWaves(clusters, strategy))).toEqual(['0:eu-1*', '0:eu-2*', '1:ap-1', '1:us-1', '2:us-2']);
  });

  it('numbers the positions canaries first', () => {
    const strategy = mergeRolloutStrategy(undefined, { canary: { clusters: ['us-2'] } });
    expect(planWaves(clusters, strategy).map((s) => [s.clusterName, s.position])).toEqual([['us-2', 0], ['ap-1', 1], ['eu-1', 2], ['eu-2', 3], ['us-1', 4]]);
  });
});

describe('appendToWaves', () => {
  it('fills the last wave up to the size, then opens new ones', () => {
    const strategy = mergeRolloutStrategy(undefined, { waveSize: 2 });
    const existing = planWaves(clusters.slice(0, 3), strategy);
    const added = appendToWaves(existing, [{ name: 'zz-1', labels: {} }, { name: 'zz-2', labels: {} }], strategy);
    expect(added.map((s) => [s.clusterName, s.wave, s.position])).toEqual([['zz-1', 1, 3], ['zz-2', 2, 4]]);
  });

  it('joins the one wave when there are no waves', () => {
    const existing = planWaves(clusters, DEFAULT_ROLLOUT_STRATEGY);
    expect(appendToWaves(existing, [{ name: 'zz-1', labels: {} }], DEFAULT_ROLLOUT_STRATEGY).map((s) => s.wave)).toEqual([0]);
  });
});
