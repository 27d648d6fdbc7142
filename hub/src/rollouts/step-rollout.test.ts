import { describe, expect, it } from 'vitest';
import { planWaves } from './plan-waves.js';
import type { RolloutStrategyBody } from '@flotilla/api';
import { mergeRolloutStrategy } from '../apps/rollout-strategy.js';
import { type ClusterObservation, type ObservedStatus, type RolloutData, type RolloutRowData, stepRollout } from './step-rollout.js';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

/** A small fleet the tests drive by hand: assignments and statuses per cluster, as the hub would store them. */
function fleet(names: string[], body: RolloutStrategyBody, kind: RolloutData['kind'] = 'update') {
  const strategy = mergeRolloutStrategy(undefined, body);
  const rollout: RolloutData = { kind, state: 'progressing', commit: NEW, strategy, message: '', finishedAt: null };
  const rows: RolloutRowData[] = planWaves(names.map((name) => ({ name, labels: {} })), strategy).map((slot) => ({
    ...slot,
    current: true,
    state: 'pending',
    fromCommit: OLD,
    generation: 0,
    startedAt: null,
    healthySince: null,
    finishedAt: null,
    message: '',
  }));
  const seen = new Map<string, ClusterObservation>(names.map((name) => [name, { assignment: { commit: OLD, generation: 1, active: true }, status: null }]));
  let clock = 1_000_000;
  const step = () => stepRollout(rollout, rows, (cluster) => seen.get(cluster) as ClusterObservation, new Date(clock));
  /** What the assignments controller does with the step's decisions: moves started clusters to their commit. */
  const assign = () => {
    for (const row of rows.filter((r) => r.current)) {
      const target = row.state === 'pending' ? null : row.state === 'reverting' || row.state === 'reverted' ? row.fromCommit : NEW;
      const current = seen.get(row.clusterName) as ClusterObservation;
      if (target && current.assignment?.commit !== target) current.assignment = { commit: target, generation: (current.assignment?.generation ?? 0) + 1, active: true };
    }
  };
  const report = (cluster: string, status: Partial<ObservedStatus>) => {
    const current = seen.get(cluster) as ClusterObservation;
    current.status = { generation: current.assignment?.generation ?? 0, revision: '', phase: 'Synced', health: 'Healthy', updatedAt: new Date(clock), errors: [], ...status };
  };
  const states = () => Object.fromEntries(rows.map((r) => [r.clusterName, r.state]));
  return { rollout, rows, step, assign, report, states, tick: (ms: number) => (clock += ms) };
}

describe('stepRollout', () => {
  it('moves every cluster at once and completes without a strategy', () => {
    const f = fleet(['a', 'b', 'c'], {});
    f.step();
    expect(f.states()).toEqual({ a: 'updating', b: 'updating', c: 'updating' });
    f.assign();
    for (const name of ['a', 'b', 'c']) f.report(name, {});
    f.step();
    expect(f.states()).toEqual({ a: 'succeeded', b: 'succeeded', c: 'succeeded' });
    expect(f.rollout).toMatchObject({ state: 'completed' });
    expect(f.rollout.finishedAt).not.toBeNull();
  });

  it('goes canary first, then wave by wave, each after the one before was healthy for the minimum time', () => {
    const f = fleet(['c1', 'w1', 'w2', 'w3'], { canary: { clusters: ['c1'] }, waveSize: 2, minHealthySeconds: 10 });
    f.step();
    expect(f.states()).toEqual({ c1: 'updating', w1: 'pending', w2: 'pending', w3: 'pending' });
    f.assign();
    f.report('c1', {});
    const outcome = f.step();
    expect(f.states()).toMatchObject({ c1: 'verifying', w1: 'pending' });
    expect(outcome.wakeAt?.getTime()).toBe(1_010_000);
    f.tick(10_000);
    f.step();
    expect(f.states()).toEqual({ c1: 'succeeded', w1: 'updating', w2: 'updating', w3: 'pending' });
    f.assign();
    f.report('w1', {});
    f.report('w2', {});
    f.tick(10_000);
    f.step();
    expect(f.states()).toEqual({ c1: 'succeeded', w1: 'succeeded', w2: 'succeeded', w3: 'updating' });
  });

  it('starts a cluster that joins a wave under way at once', () => {
    const f = fleet(['a', 'b', 'c'], {});
    const late = f.rows.pop() as RolloutRowData;
    f.step();
    f.rows.push(late);
    f.step();
    expect(f.states()).toEqual({ a: 'updating', b: 'updating', c: 'updating' });
  });

  it('ignores reports of an older generation', () => {
    const f = fleet(['a'], {});
    f.report('a', { health: 'Degraded' });
    f.step();
    f.assign();
    f.step();
    expect(f.states()).toEqual({ a: 'updating' });
    expect(f.rows[0]?.generation).toBe(2);
  });

  it('halts after a failed canary and starts nothing more', () => {
    const f = fleet(['c1', 'w1', 'w2'], { canary: { clusters: ['c1'] } });
    f.step();
    f.assign();
    f.report('c1', { health: 'Degraded', errors: [{ code: 'HEALTH_TIMEOUT', message: 'Deployment/web/api: 0 of 1 replicas available' }] });
    const outcome = f.step();
    expect(f.states()).toEqual({ c1: 'failed', w1: 'pending', w2: 'pending' });
    expect(f.rollout.state).toBe('halted');
    expect(f.rollout.message).toContain('c1: Deployment/web/api: 0 of 1 replicas available');
    expect(outcome.transitions).toEqual([expect.objectContaining({ from: 'progressing', to: 'halted' })]);
    expect(f.rollout.finishedAt).toBeNull();
  });

  it('counts a cluster its agent rolled back as failed, and rolls the updated clusters back on failure', () => {
    const f = fleet(['c1', 'w1'], { canary: { clusters: ['c1'] }, onFailure: 'rollback' });
    f.step();
    f.assign();
    f.report('c1', { phase: 'RolledBack', revision: `main@sha1:${OLD}` });
    f.step();
    expect(f.rollout.state).toBe('rolling-back');
    expect(f.states()).toEqual({ c1: 'reverting', w1: 'pending' });
    f.assign();
    f.report('c1', {});
    f.step();
    expect(f.states()).toEqual({ c1: 'reverted', w1: 'pending' });
    expect(f.rollout.finishedAt).not.toBeNull();
    expect(f.rollout.message).toContain('rolled back: 1 cluster(s) returned to their previous revision');
  });

  it('finishes an aborted rollout once the clusters under way have settled; the others stay where they are', () => {
    const f = fleet(['a', 'b'], { waveSize: 1 });
    f.step();
    f.rollout.state = 'aborted';
    f.step();
    expect(f.rollout.finishedAt).toBeNull();
    f.assign();
    f.report('a', {});
    f.step();
    expect(f.states()).toEqual({ a: 'succeeded', b: 'pending' });
    expect(f.rollout).toMatchObject({ state: 'aborted' });
    expect(f.rollout.finishedAt).not.toBeNull();
  });

  it('tolerates failures up to the maximum', () => {
    const f = fleet(['a', 'b', 'c'], { waveSize: 1, maxFailures: 1 });
    f.step();
    f.assign();
    f.report('a', { phase: 'Failed', health: 'Unknown', errors: [{ code: 'DRY_RUN_FAILED', message: 'no' }] });
    f.step();
    expect(f.states()).toEqual({ a: 'failed', b: 'updating', c: 'pending' });
    f.assign();
    f.report('b', { phase: 'Failed', health: 'Unknown', errors: [{ code: 'DRY_RUN_FAILED', message: 'no' }] });
    f.step();
    expect(f.rollout.state).toBe('halted');
    expect(f.states().c).toBe('pending');
  });

  it('waits on failures that may pass instead of counting them', () => {
    const f = fleet(['a'], {});
    f.step();
    f.assign();
    f.report('a', { phase: 'Failed', health: 'Unknown', errors: [{ code: 'GIT_UNREACHABLE', message: 'connection refused' }] });
    f.step();
    expect(f.states()).toEqual({ a: 'updating' });
    expect(f.rows[0]?.message).toBe('retrying: connection refused');
  });

  it('waits while the agent could not fetch its artifact from the hub (a hub restarted mid-rollout), as the agent retries', () => {
    const f = fleet(['a'], {});
    f.step();
    f.assign();
    f.report('a', { phase: 'Failed', health: 'Unknown', errors: [{ code: 'ARTIFACT_UNAVAILABLE', message: 'the hub is out of reach' }] });
    f.step();
    expect(f.states()).toEqual({ a: 'updating' });
    expect(f.rows[0]?.message).toBe('retrying: the hub is out of reach');
  });

  it('keeps at most max unavailable clusters updating, starting the next as soon as one is done', () => {
    const f = fleet(['a', 'b', 'c', 'd'], { maxUnavailable: 2 });
    f.step();
    expect(f.states()).toEqual({ a: 'updating', b: 'updating', c: 'pending', d: 'pending' });
    f.assign();
    f.report('b', {});
    f.step();
    expect(f.states()).toEqual({ a: 'updating', b: 'succeeded', c: 'updating', d: 'pending' });
  });

  it('settles at once clusters that already run the revision healthily, wave after wave, in one step', () => {
    const f = fleet(['a', 'b'], { waveSize: 1 });
    // Both clusters already run the rollout's commit (OLD here), at generation 1, and reported it healthy.
    f.rollout.commit = OLD;
    f.report('a', {});
    f.report('b', {});
    f.step();
    expect(f.states()).toEqual({ a: 'succeeded', b: 'succeeded' });
    expect(f.rows.map((r) => r.generation)).toEqual([1, 1]);
    expect(f.rollout.state).toBe('completed');
  });

  it('starts nothing while paused, but still judges the clusters in flight', () => {
    const f = fleet(['a', 'b'], { waveSize: 1 });
    f.step();
    f.assign();
    f.rollout.state = 'paused';
    f.report('a', {});
    f.step();
    expect(f.states()).toEqual({ a: 'succeeded', b: 'pending' });
    f.rollout.state = 'progressing';
    f.step();
    expect(f.states()).toEqual({ a: 'succeeded', b: 'updating' });
  });

  it('is superseded when a newer rollout took every cluster before it finished', () => {
    const f = fleet(['a', 'b'], { waveSize: 1 });
    f.step();
    for (const row of f.rows) Object.assign(row, { current: false, state: row.state === 'pending' || row.state === 'updating' ? 'superseded' : row.state });
    f.step();
    expect(f.rollout.state).toBe('superseded');
    expect(f.rollout.finishedAt).not.toBeNull();
  });
});
