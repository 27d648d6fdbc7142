import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from './fleet.js';
import { badRevision, clusterStates, goodRevision, latestRollout, liveReader, pushRevision, runs, waitFor } from './rollout-fixtures.js';
import { type HubProcess, startHubProcess } from './support/hub-process.js';

const CLUSTERS = ['ap-1', 'eu-1', 'us-1'];

type StatusItem = { cluster: string; desired: { revision: string; generation: number; pinned: boolean }; applied: { revision: string; generation: number; phase: string; health: string } | null };

// The clusters run workloads: the bad revision is a broken image whose Pods crash-loop, and the rollbacks roll the
// Deployments back for real.
describe('rollouts and rollbacks when the hub is away', () => {
  let fleet: Fleet;
  let reader: ReturnType<typeof liveReader>;
  let child: HubProcess | undefined;

  const statusOf = async (app: string): Promise<StatusItem[]> => (await fleet.api().get(`/api/v1/apps/${app}/status`).expect(200)).body.items;
  const createApp = (name: string, policy: Record<string, unknown>) =>
    fleet.api().post('/api/v1/apps').send({ name, source: 'fleet', path: name, namespace: name, targets: { selector: { matchLabels: { env: 'prod' } } }, policy }).expect(201);
  const healthyEverywhere = (app: string, generation: number) =>
    waitFor(() => statusOf(app), (items) => items.length === 3 && items.every((i) => i.applied?.health === 'Healthy' && i.applied.generation === generation), {
      what: `app ${app} healthy at generation ${generation} on every cluster`,
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    fleet = await startFleet({
      clusters: { 'eu-1': { env: 'prod' }, 'us-1': { env: 'prod' }, 'ap-1': { env: 'prod' } },
      files: { ...goodRevision('guard', '1'), ...goodRevision('web', '1') },
      workloads: true,
    });
    reader = liveReader(fleet);
    for (const cluster of CLUSTERS) await fleet.startAgent(cluster);
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
  });
  afterAll(async () => {
    await child?.kill();
    reader?.close();
    await fleet?.stop();
  });

  it('lets an agent cut off from the hub roll its cluster back on its own, and does not re-apply the failed revision', async () => {
    await createApp('guard', { health: { timeoutSeconds: 8 }, rollback: { auto: true } });
    await healthyEverywhere('guard', 1);
    const good = (await statusOf('guard'))[0]?.applied?.revision;

    const bad = await pushRevision(fleet, badRevision('guard', '2'));
    // Every agent has applied the bad revision and waits for its health: cut them off from the hub now.
    await waitFor(() => statusOf('guard'), (items) => items.every((i) => i.applied?.generation === 2), { what: 'the bad revision applied everywhere' });
    await fleet.stopHub();
    // Its Pods crash-loop, health times out, and each agent rolls its Deployment back to the good image by itself.
    for (const cluster of CLUSTERS) {
      await expect.poll(() => reader.live(cluster, 'guard'), { timeout: 40_000, interval: 200 }).toEqual(runs('1'));
    }
    // What they reported about it waits in their outboxes.
    for (const cluster of CLUSTERS) expect(fleet.agents.get(cluster)?.connection.pending).toBeGreaterThan(0);

    await fleet.startHub();
    await expect
      .poll(async () => (await statusOf('guard')).map((i) => [i.cluster, i.applied?.phase, i.applied?.revision]), { timeout: 30_000, interval: 250 })
      .toEqual(CLUSTERS.map((c) => [c, 'RolledBack', good]));
    const history = await fleet.api().get('/api/v1/apps/guard/history').query({ cluster: 'eu-1', limit: 1 }).expect(200);
    expect(history.body.items[0]).toMatchObject({ outcome: 'rolled-back', revision: good, message: expect.stringContaining(`rolled back from main@sha1:${bad}`) });
    // The hub's rollout counts each of them as a failure: it halts at the first, and judges the others as their reports
    // (kept in their outboxes, sent in any order) come in.
    await expect.poll(async () => (await latestRollout(fleet, 'guard'))?.state, { timeout: 10_000 }).toBe('halted');
    await expect.poll(async () => clusterStates(await latestRollout(fleet, 'guard')), { timeout: 10_000 }).toEqual({ 'ap-1': 'failed', 'eu-1': 'failed', 'us-1': 'failed' });

    // A restarted agent still knows not to apply the failed generation again.
    await fleet.stopAgent('eu-1');
    await fleet.startAgent('eu-1');
    await expect.poll(() => fleet.agents.get('eu-1')?.connection.isConnected, { timeout: 20_000 }).toBe(true);
    await fleet.agents.get('eu-1')?.reconciler.idle();
    expect(await reader.live('eu-1', 'guard')).toEqual(runs('1'));
    expect((await statusOf('guard')).find((i) => i.cluster === 'eu-1')?.applied).toMatchObject({ phase: 'RolledBack', generation: 2 });
  });

  it('resumes a rollout after the hub was killed in the middle of it, skipping no cluster and updating none twice', async () => {
    await createApp('web', { health: { timeoutSeconds: 60 }, rollout: { canary: { clusters: ['eu-1'] }, waveSize: 1, minHealthySeconds: 2 } });
    await waitFor(() => latestRollout(fleet, 'web'), (r) => r?.state === 'completed', { what: 'the first rollout of web', timeoutMs: 60_000 });
    // The hub moves to a child process on the same database and ports, so it can be killed without warning.
    await fleet.stopHub();
    child = await startHubProcess(fleet.hubConfig);
    await expect.poll(async () => (await fleet.api().get('/api/v1/clusters')).body.items.every((c: { connected: boolean }) => c.connected), { timeout: 30_000 }).toBe(true);
    const before = Object.fromEntries((await statusOf('web')).map((i) => [i.cluster, i.desired.generation]));

    const next = await pushRevision(fleet, goodRevision('web', '2'));
    // Kill it once the canary has succeeded and the next wave is under way.
    await expect
      .poll(async () => clusterStates(await latestRollout(fleet, 'web')), { timeout: 30_000, interval: 100 })
      .toEqual({ 'eu-1': 'succeeded', 'ap-1': expect.stringMatching(/^(updating|verifying)$/), 'us-1': 'pending' });
    await child.kill();
    child = undefined;

    await fleet.startHub();
    // Until it ends; should it end otherwise than completed, the failure shows each cluster's state and message.
    const rollout = await waitFor(() => latestRollout(fleet, 'web'), (r) => r !== undefined && r.state !== 'progressing', { what: 'the resumed rollout to end', timeoutMs: 40_000 });
    expect(rollout?.state, JSON.stringify(rollout?.waves)).toBe('completed');
    expect(rollout?.revision).toBe(`main@sha1:${next}`);
    expect(rollout?.waves.map((w) => w.clusters.map((c) => [c.cluster, c.state]))).toEqual([[['eu-1', 'succeeded']], [['ap-1', 'succeeded']], [['us-1', 'succeeded']]]);
    const [ap1, us1] = [rollout?.waves[1]?.clusters[0], rollout?.waves[2]?.clusters[0]];
    expect(Date.parse(us1?.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(ap1?.finishedAt as string));
    // Every cluster moved to the revision once: one more generation each, and the revision live everywhere.
    const after = await statusOf('web');
    expect(Object.fromEntries(after.map((i) => [i.cluster, i.desired.generation]))).toEqual(Object.fromEntries(CLUSTERS.map((c) => [c, (before[c] as number) + 1])));
    for (const cluster of CLUSTERS) expect(await reader.live(cluster, 'web')).toEqual(runs('2'));
  }, 150_000); // a hub killed and restarted, and three real rollouts: 38–48 s on CI, over 60 s once under load
});
