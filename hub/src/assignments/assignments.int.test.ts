import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';
import type { AssignmentGate, GateInput } from './assignment-gate.js';
import { AssignmentsService } from './assignments.service.js';

type StatusItem = { cluster: string; desired: { generation: number; revision: string } | null };

describe.each(TEST_DATABASES)('assignments of changed clusters on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let commit: string;
  let gate: AssignmentGate;
  const plans: GateInput[] = [];
  const agents: TestAgent[] = [];

  const statusOf = async (app: string): Promise<StatusItem[]> => (await hub.api().get(`/api/v1/apps/${app}/status`).expect(200)).body.items;
  /** The generation of each cluster's assignment of an app (clusters without one are left out). */
  const generations = async (app: string) => Object.fromEntries((await statusOf(app)).flatMap((item) => (item.desired ? [[item.cluster, item.desired.generation]] : [])));
  const latestRollout = async (app: string) => {
    const [latest] = (await hub.api().get('/api/v1/rollouts').query({ app, limit: 1 }).expect(200)).body.items;
    return (await hub.api().get(`/api/v1/rollouts/${latest.id}`).expect(200)).body;
  };
  const clusterStates = (detail: { waves: Array<{ clusters: Array<{ cluster: string; state: string }> }> }) =>
    Object.fromEntries(detail.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c.state])));
  const register = async (name: string, labels: Record<string, string>): Promise<string> =>
    (await hub.api().post('/api/v1/clusters').send({ name, labels }).expect(201)).body.joinToken;

  beforeAll(async () => {
    git = await startGitServer();
    commit = (await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub(database);
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    for (const [name, env] of [['prod-1', 'prod'], ['prod-2', 'prod'], ['prod-3', 'prod'], ['dev-1', 'dev']] as const) {
      const credential = await TestAgent.join(hub.grpcAddress, await register(name, { env }), name);
      agents.push(TestAgent.connect(hub.grpcAddress, credential, name).keepAlive(1000).reportEverythingHealthy());
    }
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'base', source: 'fleet', path: 'web', targets: { selector: {} } }).expect(201);
    for (const app of ['web', 'base']) {
      await vi.waitFor(async () => expect((await latestRollout(app)).state).toBe('completed'), { timeout: 15_000, interval: 100 });
    }
    gate = hub.app.get(AssignmentsService, { strict: false }).gate as AssignmentGate;
    const plan = gate.plan.bind(gate);
    vi.spyOn(gate, 'plan').mockImplementation((input) => {
      plans.push(input);
      return plan(input);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    for (const agent of agents) await agent.close();
    await hub?.stop();
    await git?.stop();
  });

  /** Waits until the hub has planned nothing for a second (work the setup set off, such as the rollouts' last steps). */
  const quiet = async (): Promise<void> => {
    for (let seen = -1; seen !== plans.length; ) {
      seen = plans.length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  it('plans only a registered cluster, for every app, and leaves the others as they were', async () => {
    await quiet();
    plans.length = 0;
    const before = await generations('web');
    await register('prod-4', { env: 'prod' });
    await expect.poll(async () => (await generations('web'))['prod-4']).toBe(1);
    await expect.poll(async () => (await generations('base'))['prod-4']).toBe(1);
    expect(plans.map((p) => [p.app.name, p.scope, p.targets.map((c) => c.name), [...p.existing.keys()]]).sort()).toEqual([
      ['base', ['prod-4'], ['prod-4'], []],
      ['web', ['prod-4'], ['prod-4'], []],
    ]);
    expect(await generations('web')).toEqual({ ...before, 'prod-4': 1 });
    expect((await statusOf('web')).find((item) => item.cluster === 'prod-4')?.desired?.revision).toBe(`main@sha1:${commit}`);
    // The fleet's rollout is over, so the new cluster gets a rollout of its own, which waits for its agent.
    expect(clusterStates(await latestRollout('web'))).toEqual({ 'prod-4': 'updating' });
  });

  it('joins a registered cluster to a running rollout of its apps', async () => {
    // prod-4 has no agent: its rollout is still waiting for a report, and takes the next new cluster in.
    const rollout = await latestRollout('web');
    expect(rollout.state).toBe('progressing');
    await register('prod-5', { env: 'prod' });
    await expect.poll(async () => clusterStates(await latestRollout('web'))['prod-5']).toBe('updating');
    const detail = await latestRollout('web');
    expect(detail.id).toBe(rollout.id);
    expect(detail.progress.total).toBe(rollout.progress.total + 1);
  });

  it('takes an app away from a relabelled cluster only', async () => {
    const before = await generations('web');
    await hub.api().patch('/api/v1/clusters/prod-2').send({ labels: { env: 'dev' } }).expect(200);
    await expect.poll(async () => Object.keys(await generations('web'))).not.toContain('prod-2');
    const { 'prod-2': _gone, ...others } = before;
    expect(await generations('web')).toEqual(others);
    // `base` still selects it, with the new label among its variables.
    expect((await generations('base'))['prod-2']).toBe(2);
  });

  it('forgets a removed cluster, and finishes a rollout that waited for it alone', async () => {
    await register('solo-1', { env: 'solo' });
    await hub.api().post('/api/v1/apps').send({ name: 'solo', source: 'fleet', path: 'web', targets: { clusters: ['solo-1'] } }).expect(201);
    await expect.poll(async () => (await latestRollout('solo')).state).toBe('progressing');
    await hub.api().delete('/api/v1/clusters/solo-1').expect(204);
    await expect.poll(async () => (await latestRollout('solo')).state).toBe('completed');
    expect(clusterStates(await latestRollout('solo'))).toEqual({ 'solo-1': 'removed' });
    expect(await statusOf('solo')).toEqual([]);
    expect(Object.keys(await generations('base'))).not.toContain('solo-1');
  });
});
