import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOUT_STRATEGY } from '../apps/rollout-strategy.js';
import { AppRollouts } from './app-rollouts.js';
import { RolloutCluster } from './rollout-cluster.entity.js';
import { Rollout } from './rollout.entity.js';

const NOW = new Date(1_764_000_000_000);

function rollout(id: number, commit: string): Rollout {
  return Object.assign(new Rollout(), {
    id,
    appName: 'web',
    kind: 'update',
    sourceName: 'fleet',
    ref: 'main',
    commit,
    state: 'progressing',
    strategy: DEFAULT_ROLLOUT_STRATEGY,
    message: '',
    createdBy: 'system',
    createdAt: NOW,
    updatedAt: NOW,
    finishedAt: null,
  });
}

function row(rolloutId: number, clusterName: string, fields: Partial<RolloutCluster> = {}): RolloutCluster {
  return Object.assign(new RolloutCluster(), {
    rolloutId,
    clusterName,
    appName: 'web',
    position: 0,
    wave: 0,
    canary: false,
    current: true,
    state: 'updating',
    fromCommit: null,
    generation: 1,
    startedAt: NOW,
    healthySince: null,
    finishedAt: null,
    message: '',
    ...fields,
  });
}

const make = (fields: Partial<RolloutCluster>): RolloutCluster => Object.assign(new RolloutCluster(), fields);

describe('AppRollouts', () => {
  it('gives a cluster that comes back to a rollout its old row of that rollout, so no key is written twice', () => {
    const halted = rollout(1, 'a'.repeat(40));
    const rollback = Object.assign(rollout(2, 'b'.repeat(40)), { kind: 'rollback' });
    // eu-1 left rollout 1 for a rollback, which now holds it.
    const work = new AppRollouts('web', [halted, rollback], [row(1, 'eu-1', { current: false, state: 'superseded' }), row(2, 'eu-1')], new Map());
    work.enlist(halted, [{ clusterName: 'eu-1', position: 1, wave: 1, canary: false }], () => 'b'.repeat(40), NOW, make);

    const keys = [...work.changedRows].map((changed) => `${changed.rolloutId}/${changed.clusterName}`);
    expect(keys.sort()).toEqual(['1/eu-1', '2/eu-1']);
    expect(work.rowsOf(halted)).toHaveLength(1);
    expect(work.rowsOf(halted)[0]).toMatchObject({ current: true, state: 'pending', position: 1, wave: 1, fromCommit: 'b'.repeat(40) });
    expect(work.rowsOf(rollback)[0]).toMatchObject({ current: false, state: 'superseded' });
    expect(work.ownerOf('eu-1')).toBe(halted);
  });
});
