import * as grpc from '@grpc/grpc-js';
import { type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_ADMIN_TOKEN, FLEET_DATABASES, type Fleet, startFleet } from './fleet.js';
import {
  badRevision,
  clusterStates,
  goodRevision,
  latestRollout,
  type Live,
  liveReader,
  pushRevision,
  type RolloutClusterView,
  runs,
  waitFor,
} from './rollout-fixtures.js';

const CLUSTERS = ['ap-1', 'eu-1', 'us-1'];

// The clusters run workloads (controllers, a scheduler, KWOK's simulated Nodes): each revision's Deployment rolls out
// for real, and a bad revision is a broken image whose Pods crash-loop, so its health times out the way it would live.
describe.each(FLEET_DATABASES)('rollouts across real clusters, the hub on %s', (database) => {
  let fleet: Fleet;
  let reader: ReturnType<typeof liveReader>;
  const commits: Record<string, string> = {};

  const liveEverywhere = async (): Promise<Record<string, Live>> => Object.fromEntries(await Promise.all(CLUSTERS.map(async (c) => [c, await reader.live(c, 'web')] as const)));
  const versions = async () => Object.fromEntries(Object.entries(await liveEverywhere()).map(([c, live]) => [c, live.version]));
  const settled = async (app = 'web') =>
    expect.poll(async () => (await latestRollout(fleet, app))?.finishedAt ?? null, { timeout: 60_000, interval: 200 }).not.toBeNull();
  const everywhere = (live: Live): Record<string, Live> => Object.fromEntries(CLUSTERS.map((c) => [c, live]));

  beforeAll(async () => {
    fleet = await startFleet({
      clusters: { 'eu-1': { env: 'prod', region: 'eu' }, 'us-1': { env: 'prod', region: 'us' }, 'ap-1': { env: 'prod', region: 'ap' } },
      files: goodRevision('web', '1'),
      workloads: true,
      database,
    });
    reader = liveReader(fleet);
    for (const cluster of CLUSTERS) await fleet.startAgent(cluster);
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    commits.v1 = (await fleet.api().get('/api/v1/sources/fleet').expect(200)).body.commit;
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({
        name: 'web',
        source: 'fleet',
        path: 'web',
        namespace: 'web',
        targets: { selector: { matchLabels: { env: 'prod' } } },
        // Long enough for a good revision's Pods to go Ready on a busy machine, short enough for a bad one to fail soon.
        policy: { health: { timeoutSeconds: 8 }, rollout: { canary: { clusters: ['eu-1'] }, waveSize: 1, minHealthySeconds: 1 } },
      })
      .expect(201);
    await waitFor(versions, (v) => Object.values(v).every((version) => version === '1'), { what: 'the first revision on every cluster', timeoutMs: 60_000 });
    await waitFor(() => latestRollout(fleet, 'web'), (r) => r?.state === 'completed', { what: 'the first rollout to complete', timeoutMs: 60_000 });
    expect(await liveEverywhere()).toEqual(everywhere(runs('1')));
  });
  afterAll(async () => {
    reader?.close();
    await fleet?.stop();
  });

  it('takes a good revision to the canary first, then wave by wave, in order', async () => {
    commits.v2 = await pushRevision(fleet, goodRevision('web', '2'));
    await expect.poll(async () => (await reader.live('eu-1', 'web')).version, { timeout: 15_000, interval: 100 }).toBe('2');
    // While the canary proves itself, the other clusters still run the previous revision.
    expect(await versions()).toEqual({ 'ap-1': '1', 'eu-1': '2', 'us-1': '1' });
    await settled();
    const rollout = await latestRollout(fleet, 'web');
    expect(rollout).toMatchObject({ kind: 'update', revision: `main@sha1:${commits.v2}`, state: 'completed' });
    expect(rollout?.waves.map((w) => [w.index, w.canary, w.clusters.map((c) => c.cluster)])).toEqual([
      [0, true, ['eu-1']],
      [1, false, ['ap-1']],
      [2, false, ['us-1']],
    ]);
    const clusters = (rollout?.waves ?? []).map((w) => w.clusters[0] as RolloutClusterView);
    for (let i = 1; i < clusters.length; i++) {
      const previous = clusters[i - 1] as RolloutClusterView;
      const next = clusters[i] as RolloutClusterView;
      // Each wave starts only once the one before has been healthy for the minimum healthy time.
      expect(Date.parse(next.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(previous.finishedAt as string));
      expect(Date.parse(previous.finishedAt as string) - Date.parse(previous.healthySince as string)).toBeGreaterThanOrEqual(1000);
    }
    // Every cluster's Deployment rolled out the new image before the next wave began.
    expect(await liveEverywhere()).toEqual(everywhere(runs('2')));
    const history = await fleet.api().get('/api/v1/apps/web/history').query({ cluster: 'us-1', limit: 1 }).expect(200);
    expect(history.body.items[0]).toMatchObject({ cluster: 'us-1', revision: `main@sha1:${commits.v2}`, outcome: 'healthy' });
  });

  it('halts a bad revision after the canary: the other clusters never get it', async () => {
    commits.v3 = await pushRevision(fleet, badRevision('web', '3'));
    await expect.poll(async () => (await latestRollout(fleet, 'web'))?.state, { timeout: 40_000, interval: 200 }).toBe('halted');
    const rollout = await latestRollout(fleet, 'web');
    expect(rollout?.revision).toBe(`main@sha1:${commits.v3}`);
    expect(clusterStates(rollout)).toEqual({ 'eu-1': 'failed', 'ap-1': 'pending', 'us-1': 'pending' });
    // The health that timed out is the Deployment's own: its new Pod crash-loops, so the rollout never completes.
    expect(rollout?.message).toMatch(/Deployment\/web\/api: \d of 2 replicas (updated|available)/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await liveEverywhere()).toEqual({
      'eu-1': { version: '3', image: 'registry.example/api:broken', rolledOut: false },
      'ap-1': runs('2'),
      'us-1': runs('2'),
    });
  });

  it('rolls the whole fleet back, keeps it pinned when a new commit lands, and follows the branch again once unpinned', async () => {
    const rollback = await fleet.api().post('/api/v1/apps/web/rollback').send({}).expect(201);
    expect(rollback.body).toMatchObject({ kind: 'rollback', revision: `main@sha1:${commits.v2}` });
    // The canary's Deployment goes back to the good image and rolls out again.
    await expect.poll(liveEverywhere, { timeout: 40_000, interval: 200 }).toEqual(everywhere(runs('2')));
    await settled();
    expect((await latestRollout(fleet, 'web'))?.state).toBe('completed');
    const status = await fleet.api().get('/api/v1/apps/web/status').expect(200);
    expect(status.body.items.map((i: { cluster: string; desired: { revision: string; pinned: boolean } }) => [i.cluster, i.desired])).toEqual(
      CLUSTERS.map((c) => [c, { revision: `main@sha1:${commits.v2}`, generation: expect.any(Number), pinned: true }]),
    );

    commits.v4 = await pushRevision(fleet, goodRevision('web', '4'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await versions()).toEqual({ 'ap-1': '2', 'eu-1': '2', 'us-1': '2' });
    expect((await latestRollout(fleet, 'web'))?.id).toBe(rollback.body.id);

    const unpin = await fleet.api().post('/api/v1/apps/web/unpin').send({}).expect(200);
    expect(unpin.body.unpinned).toEqual(CLUSTERS);
    await expect.poll(async () => (await latestRollout(fleet, 'web'))?.revision, { timeout: 10_000 }).toBe(`main@sha1:${commits.v4}`);
    await settled();
    expect(await liveEverywhere()).toEqual(everywhere(runs('4')));
    // It went out with the app's strategy again: canary first.
    expect((await latestRollout(fleet, 'web'))?.waves[0]).toMatchObject({ canary: true, clusters: [expect.objectContaining({ cluster: 'eu-1' })] });
    const audit = await fleet.api().get('/api/v1/audit').query({ target: 'app/web', limit: 3 }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['app.unpin', 'app.pin', 'app.rollback']);
  });

  it('returns the canary to the previous revision when the strategy says rollback, and tells the status stream', async () => {
    const watcher = new StatusServiceClient(fleet.grpcAddress, grpc.credentials.createSsl(Buffer.from(fleet.certificates.ca.cert)));
    const events: StatusEvent[] = [];
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${FLEET_ADMIN_TOKEN}`);
    const call = watcher.watch({ clusters: [], apps: ['web'], resumeFrom: '', skipSnapshot: true }, metadata);
    call.on('data', (event: StatusEvent) => events.push(event));
    call.on('error', () => undefined);
    try {
      await fleet.api().patch('/api/v1/apps/web').send({ policy: { rollout: { onFailure: 'rollback' } } }).expect(200);
      commits.v5 = await pushRevision(fleet, badRevision('web', '5'));
      await expect.poll(async () => (await latestRollout(fleet, 'web'))?.state, { timeout: 40_000, interval: 200 }).toBe('rolling-back');
      await expect.poll(() => reader.live('eu-1', 'web'), { timeout: 40_000, interval: 200 }).toEqual(runs('4'));
      await settled();
      const rollout = await latestRollout(fleet, 'web');
      expect(clusterStates(rollout)).toEqual({ 'eu-1': 'reverted', 'ap-1': 'pending', 'us-1': 'pending' });
      expect(await liveEverywhere()).toEqual(everywhere(runs('4')));
      await expect
        .poll(() => events.filter((e) => e.rollout?.revision === `main@sha1:${commits.v5}`).map((e) => e.rollout?.state))
        .toEqual(expect.arrayContaining(['ROLLOUT_STATE_PROGRESSING', 'ROLLOUT_STATE_ROLLING_BACK']));
      const audit = await fleet.api().get('/api/v1/audit').query({ target: `rollout/${rollout?.id}` }).expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['rollout.rolled-back', 'rollout.rollback', 'rollout.start']);
    } finally {
      call.cancel();
      watcher.close();
    }
  });
});
