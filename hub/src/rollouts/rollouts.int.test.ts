import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type Assignment, Health, type HubMessage, Phase, type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { createPostgresDatabase, type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHubConfig } from '../config/hub-config.js';
import { type Hub, startHub } from '../start-hub.js';
import { apiClient, TEST_ADMIN_TOKEN, TEST_DATABASES, TEST_GIT_ALLOWED_ADDRESSES } from '../testing/start-test-hub.js';
import { syncedReport, TestAgent } from '../testing/test-agent.js';
import { REPORT_COALESCE_MS, RolloutPlanner } from './rollout-planner.service.js';
import { RolloutStore } from './rollout-store.js';

type Verdict = 'healthy' | 'degraded' | 'silent';

/** Commits every simulated agent reports Degraded (a bad revision). */
const BAD_COMMITS = new Set<string>();

/** A simulated agent: acks every assignment and reports it healthy, degraded, or nothing, as told per commit. */
class ReportingAgent {
  readonly agent: TestAgent;
  /** When each commit of app `web` first arrived here. */
  readonly arrivals = new Map<string, number>();
  /** Whether to report at all (silent agents leave rollouts waiting). */
  silent = false;
  private seen = 0;
  private beats = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(address: string, credential: string, cluster: string) {
    this.agent = TestAgent.connect(address, credential, cluster);
    this.timer = setInterval(() => this.pump(), 20);
    // Without heartbeats the hub closes the stream after its heartbeat timeout, as it should.
    this.heartbeat = setInterval(() => this.agent.send({ heartbeat: { sequence: ++this.beats } }), 1000);
  }

  /** The last assignment of an app received. */
  latest(app: string): Assignment | undefined {
    return this.agent.received.filter((m: HubMessage) => m.assignment?.app === app).at(-1)?.assignment ?? undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    await this.agent.close();
  }

  private pump(): void {
    for (; this.seen < this.agent.received.length; this.seen++) {
      const assignment = this.agent.received[this.seen]?.assignment;
      if (!assignment) continue;
      const commit = assignment.source?.commit ?? '';
      if (assignment.app === 'web' && !this.arrivals.has(commit)) this.arrivals.set(commit, Date.now());
      const verdict: Verdict = this.silent ? 'silent' : BAD_COMMITS.has(commit) ? 'degraded' : 'healthy';
      if (verdict === 'silent') continue;
      const generation = Number(assignment.generation);
      this.agent.send({ ack: { app: assignment.app, generation } });
      this.agent.send({
        status: syncedReport({
          app: assignment.app,
          generation,
          revision: assignment.revision,
          health: verdict === 'healthy' ? Health.HEALTH_HEALTHY : Health.HEALTH_DEGRADED,
          errors: verdict === 'healthy' ? [] : [{ code: 'HEALTH_TIMEOUT', message: 'Deployment/web/api: 0 of 1 replicas available', file: '', line: 0 }],
          durationMs: 5,
        }),
      });
    }
  }
}

describe.each(TEST_DATABASES)('rollouts on %s', (database) => {
  const CLUSTERS = { 'c-1': 'canary', 'c-2': 'main', 'c-3': 'main' } as const;
  let git: GitServer;
  let hub: Hub;
  let config: ReturnType<typeof parseHubConfig>;
  let dropDatabase: () => Promise<void> = async () => undefined;
  let dataDir: string;
  /** Agent credentials by cluster (kept in the database, so they outlive a hub restart). */
  const credentials: Record<string, string> = {};
  let agents: Record<string, ReportingAgent> = {};
  const commits: string[] = [];
  const api = () => apiClient(hub.httpUrl, TEST_ADMIN_TOKEN);

  const connectAgents = () => {
    agents = Object.fromEntries(Object.keys(CLUSTERS).map((name) => [name, new ReportingAgent(hub.grpcAddress, credentials[name] as string, name)]));
  };
  const push = async (version: string, { bad = false } = {}): Promise<string> => {
    const checkout = await git.checkout('fleet');
    await checkout.write('web/cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  version: "${version}"\n`);
    const commit = await checkout.commit(`version ${version}`);
    if (bad) BAD_COMMITS.add(commit);
    await checkout.push();
    await api().post('/api/v1/sources/fleet/refresh').expect(200);
    commits.push(commit);
    return commit;
  };
  const latestRollout = async (app = 'web') => (await api().get('/api/v1/rollouts').query({ app, limit: 1 }).expect(200)).body.items[0];
  const rolloutOf = async (id: number) => (await api().get(`/api/v1/rollouts/${id}`).expect(200)).body;
  const commitOn = (cluster: string, app = 'web') => agents[cluster]?.latest(app)?.source?.commit;
  const clusterStates = (detail: { waves: Array<{ clusters: Array<{ cluster: string; state: string }> }> }) =>
    Object.fromEntries(detail.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c.state])));

  beforeAll(async () => {
    git = await startGitServer();
    commits.push((await git.createRepository('fleet', { 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  version: "1"\n' })).commit);
    dataDir = mkdtempSync(join(tmpdir(), 'flotilla-rollouts-'));
    const postgres = database === 'postgres' ? await createPostgresDatabase() : undefined;
    dropDatabase = async () => postgres?.drop();
    config = parseHubConfig({
      env: {
        FLOTILLA_DATA_DIR: dataDir,
        FLOTILLA_HTTP_PORT: '0',
        FLOTILLA_GRPC_PORT: '0',
        FLOTILLA_HTTP_HOST: '127.0.0.1',
        FLOTILLA_GRPC_HOST: '127.0.0.1',
        FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent',
        FLOTILLA_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        FLOTILLA_GIT_ALLOWED_ADDRESSES: TEST_GIT_ALLOWED_ADDRESSES,
        ...(postgres ? { FLOTILLA_DATABASE_URL: postgres.url } : {}),
      },
    });
    hub = await startHub(config);
    for (const [name, ring] of Object.entries(CLUSTERS)) {
      const joinToken = (await api().post('/api/v1/clusters').send({ name, labels: { ring } }).expect(201)).body.joinToken;
      credentials[name] = await TestAgent.join(hub.grpcAddress, joinToken, name);
    }
    connectAgents();
    await api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
  });
  afterAll(async () => {
    for (const agent of Object.values(agents)) await agent.close().catch(() => undefined);
    await hub?.close();
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
    await git?.stop();
  });

  it('moves every target at once without a strategy, recorded as a completed rollout', async () => {
    await api().post('/api/v1/apps').send({ name: 'plain', source: 'fleet', path: 'web', targets: { selector: {} } }).expect(201);
    await expect.poll(() => Object.keys(CLUSTERS).map((c) => commitOn(c, 'plain'))).toEqual([commits[0], commits[0], commits[0]]);
    await expect.poll(async () => (await latestRollout('plain'))?.state).toBe('completed');
    const rollout = await rolloutOf((await latestRollout('plain')).id);
    expect(rollout).toMatchObject({ kind: 'update', revision: `main@sha1:${commits[0]}`, currentWave: 0, waveCount: 1, progress: { total: 3, succeeded: 3 } });
  });

  it('refuses a strategy with both a wave size and max unavailable', async () => {
    const res = await api().patch('/api/v1/apps/plain').send({ policy: { rollout: { waveSize: 1, maxUnavailable: '50%' } } }).expect(400);
    expect(res.body.error.details.fields[0].field).toBe('policy.rollout.maxUnavailable');
  });

  it('goes to the canary first, then wave by wave, each after the one before was healthy for the minimum time', async () => {
    const rollout = { canary: { selector: { matchLabels: { ring: 'canary' } } }, waveSize: 1, minHealthySeconds: 1 };
    const app = await api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: {} }, policy: { rollout } }).expect(201);
    expect(app.body.policy.rollout).toEqual({ canary: { clusters: [], selector: { matchLabels: { ring: 'canary' } } }, waveSize: 1, maxUnavailable: null, minHealthySeconds: 1, maxFailures: 0, onFailure: 'halt' });
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 15_000 }).toBe('completed');

    const next = await push('2');
    await expect.poll(() => commitOn('c-1')).toBe(next);
    expect([commitOn('c-2'), commitOn('c-3')]).toEqual([commits[0], commits[0]]);
    const started = await latestRollout();
    expect(started).toMatchObject({ kind: 'update', revision: `main@sha1:${next}`, state: 'progressing', waveCount: 3 });
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 15_000 }).toBe('completed');

    const [c1, c2, c3] = ['c-1', 'c-2', 'c-3'].map((c) => agents[c]?.arrivals.get(next) ?? NaN) as [number, number, number];
    expect(c2 - c1).toBeGreaterThanOrEqual(1000);
    expect(c3 - c2).toBeGreaterThanOrEqual(1000);
    const detail = await rolloutOf(started.id);
    expect(detail.waves.map((w: { index: number; canary: boolean; clusters: Array<{ cluster: string }> }) => [w.index, w.canary, w.clusters.map((c) => c.cluster)])).toEqual([
      [0, true, ['c-1']],
      [1, false, ['c-2']],
      [2, false, ['c-3']],
    ]);
    expect(clusterStates(detail)).toEqual({ 'c-1': 'succeeded', 'c-2': 'succeeded', 'c-3': 'succeeded' });
    const audit = await api().get('/api/v1/audit').query({ target: `rollout/${started.id}` }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['rollout.complete', 'rollout.start']);
  });

  it('supersedes a running rollout with a newer revision', async () => {
    for (const agent of Object.values(agents)) agent.silent = true;
    const slow = await push('3');
    await expect.poll(() => commitOn('c-1')).toBe(slow);
    const first = await latestRollout();
    for (const agent of Object.values(agents)) agent.silent = false;
    const fast = await push('4');
    await expect.poll(async () => (await rolloutOf(first.id)).state).toBe('superseded');
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 15_000 }).toBe('completed');
    expect(Object.keys(CLUSTERS).map((c) => commitOn(c))).toEqual([fast, fast, fast]);
    // The superseded revision never reached the clusters after the canary.
    expect(agents['c-2']?.arrivals.has(slow)).toBe(false);
  });

  it('halts after a failed canary: the other clusters keep their revision', async () => {
    const watcher = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
    const events: StatusEvent[] = [];
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const call = watcher.watch({ clusters: [], apps: ['web'], resumeFrom: '', skipSnapshot: true }, metadata);
    call.on('data', (event: StatusEvent) => events.push(event));
    call.on('error', () => undefined);
    const good = commits.at(-1) as string;
    const bad = await push('5', { bad: true });
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 10_000 }).toBe('halted');
    const halted = await rolloutOf((await latestRollout()).id);
    expect(halted.message).toContain('c-1: Deployment/web/api: 0 of 1 replicas available');
    expect(clusterStates(halted)).toEqual({ 'c-1': 'failed', 'c-2': 'pending', 'c-3': 'pending' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([commitOn('c-1'), commitOn('c-2'), commitOn('c-3')]).toEqual([bad, good, good]);
    await expect.poll(() => events.filter((e) => e.rollout).map((e) => e.rollout?.state)).toContain('ROLLOUT_STATE_HALTED');
    expect(events.find((e) => e.rollout?.state === 'ROLLOUT_STATE_HALTED')?.rollout).toMatchObject({
      app: 'web', revision: `main@sha1:${bad}`, wave: 0, updatedClusters: 1, totalClusters: 3, failedClusters: 1,
    });
    call.cancel();
    watcher.close();
  });

  it('rolls the fleet back to the last healthy revision, pinned, and follows the branch again once unpinned', async () => {
    const good = commits.at(-2) as string;
    const bad = commits.at(-1) as string;
    const res = await api().post('/api/v1/apps/web/rollback').send({}).expect(201);
    expect(res.body).toMatchObject({ kind: 'rollback', revision: `main@sha1:${good}`, createdBy: 'token:admin' });
    await expect.poll(() => Object.keys(CLUSTERS).map((c) => [commitOn(c), agents[c]?.latest('web')?.pinned])).toEqual([
      [good, true], [good, true], [good, true],
    ]);
    await expect.poll(async () => (await rolloutOf(res.body.id)).state).toBe('completed');
    const pins = await api().get('/api/v1/apps/web/pins').expect(200);
    expect(pins.body.items.map((p: { cluster: string; revision: string }) => [p.cluster, p.revision])).toEqual(Object.keys(CLUSTERS).map((c) => [c, `main@sha1:${good}`]));

    // A new commit does not move pinned clusters.
    const newer = await push('6');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(Object.keys(CLUSTERS).map((c) => commitOn(c))).toEqual([good, good, good]);
    expect((await latestRollout()).id).toBe(res.body.id);

    const unpinned = await api().post('/api/v1/apps/web/unpin').send({}).expect(200);
    expect(unpinned.body).toEqual({ app: 'web', unpinned: ['c-1', 'c-2', 'c-3'] });
    await expect.poll(async () => (await latestRollout())?.revision, { timeout: 10_000 }).toBe(`main@sha1:${newer}`);
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 15_000 }).toBe('completed');
    expect(Object.keys(CLUSTERS).map((c) => [commitOn(c), agents[c]?.latest('web')?.pinned])).toEqual([[newer, false], [newer, false], [newer, false]]);
    expect(agents['c-2']?.arrivals.has(bad)).toBe(false);

    const audit = await api().get('/api/v1/audit').query({ target: 'app/web' }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).slice(0, 3)).toEqual(['app.unpin', 'app.pin', 'app.rollback']);
  });

  it('rolls one cluster back to a named revision, and refuses revisions the app never ran', async () => {
    const first = commits[0] as string;
    await api().post('/api/v1/apps/web/rollback').send({ revision: 'f'.repeat(40) }).expect(412);
    await api().post('/api/v1/apps/web/rollback').send({ cluster: 'nope' }).expect(404);
    const res = await api().post('/api/v1/apps/web/rollback').send({ revision: `main@sha1:${first}`, cluster: 'c-3' }).expect(201);
    expect(res.body.waves).toEqual([expect.objectContaining({ clusters: [expect.objectContaining({ cluster: 'c-3' })] })]);
    await expect.poll(() => commitOn('c-3')).toBe(first);
    expect(commitOn('c-2')).toBe(commits.at(-1));
    await api().post('/api/v1/apps/web/unpin').send({ cluster: 'c-3' }).expect(200);
    await expect.poll(() => commitOn('c-3')).toBe(commits.at(-1));
  });

  it('rolls the updated clusters back when the policy says so', async () => {
    await api().patch('/api/v1/apps/web').send({ policy: { rollout: { onFailure: 'rollback' } } }).expect(200);
    const good = commits.at(-1) as string;
    const bad = await push('7', { bad: true });
    await expect.poll(async () => (await latestRollout())?.state, { timeout: 10_000 }).toBe('rolling-back');
    await expect.poll(() => commitOn('c-1')).toBe(good);
    await expect.poll(async () => (await latestRollout())?.finishedAt).not.toBeNull();
    const detail = await rolloutOf((await latestRollout()).id);
    expect(clusterStates(detail)).toEqual({ 'c-1': 'reverted', 'c-2': 'pending', 'c-3': 'pending' });
    expect(detail.message).toContain('rolled back: 1 cluster(s) returned to their previous revision');
    expect(agents['c-2']?.arrivals.has(bad)).toBe(false);
  });

  it('pauses, resumes and aborts, each written to the audit log', async () => {
    await api().patch('/api/v1/apps/web').send({ policy: { rollout: { onFailure: 'halt' } } }).expect(200);
    const next = await push('8');
    await expect.poll(() => commitOn('c-1')).toBe(next);
    const { id } = await latestRollout();
    const paused = await api().post(`/api/v1/rollouts/${id}/pause`).send({ reason: 'checking dashboards' }).expect(200);
    expect(paused.body).toMatchObject({ state: 'paused', message: 'checking dashboards' });
    await api().post(`/api/v1/rollouts/${id}/pause`).send({}).expect(412);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(clusterStates(await rolloutOf(id))).toEqual({ 'c-1': 'succeeded', 'c-2': 'pending', 'c-3': 'pending' });
    await api().post(`/api/v1/rollouts/${id}/resume`).send({}).expect(200);
    await expect.poll(() => commitOn('c-2')).toBe(next);
    await api().post(`/api/v1/rollouts/${id}/abort`).send({}).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(commitOn('c-3')).not.toBe(next);
    const detail = await rolloutOf(id);
    expect(detail.state).toBe('aborted');
    const audit = await api().get('/api/v1/audit').query({ target: `rollout/${id}` }).expect(200);
    // The refused second pause is in the log too, as a failure.
    expect(audit.body.items.map((e: { action: string; result: string }) => [e.action, e.result])).toEqual([
      ['rollout.abort', 'success'], ['rollout.resume', 'success'], ['rollout.pause', 'failure'], ['rollout.pause', 'success'], ['rollout.start', 'success'],
    ]);
    await api().post(`/api/v1/rollouts/${id}/resume`).send({}).expect(412);
    await api().get('/api/v1/rollouts/999999').expect(404);
  });

  it('keeps a bounded number of finished rollouts, but never one that still decides where a cluster is', async () => {
    const store = hub.app.get(RolloutStore);
    const before = (await api().get('/api/v1/rollouts').query({ app: 'web', limit: 1000 }).expect(200)).body.items as Array<{ id: number; finishedAt: string | null }>;
    expect(before.length).toBeGreaterThan(3);
    const removed = await store.prune('web', 1);
    const after = (await api().get('/api/v1/rollouts').query({ app: 'web', limit: 1000 }).expect(200)).body.items as Array<{ id: number }>;
    expect(after.length).toBe(before.length - removed);
    expect(removed).toBeGreaterThan(0);
    // Open rollouts stay, and so does every rollout that decides a cluster's commit.
    for (const rollout of before.filter((r) => r.finishedAt === null)) expect(after.map((r) => r.id)).toContain(rollout.id);
    const work = await store.load('web');
    expect(Object.keys(CLUSTERS).map((c) => work.ownerOf(c) !== undefined)).toEqual([true, true, true]);
  });

  it('plans once per coalescing window under a burst of reports, and misses none of them', async () => {
    const planner = hub.app.get(RolloutPlanner);
    const plans: number[] = [];
    const plan = planner.plan.bind(planner);
    planner.plan = (input) => {
      if (input.app.name === 'web' && !input.scope) plans.push(Date.now());
      return plan(input);
    };
    try {
      for (const agent of Object.values(agents)) agent.silent = true;
      const next = await push('8b');
      await expect.poll(() => commitOn('c-1')).toBe(next);
      const canary = agents['c-1'] as ReportingAgent;
      const assignment = canary.latest('web') as Assignment;
      const generation = Number(assignment.generation);
      // 60 reports within about 600 ms, as a fleet reporting one after the other: the canary waits for the last one.
      const started = Date.now();
      plans.length = 0;
      for (let i = 0; i < 60; i++) {
        canary.agent.send({ status: syncedReport({ app: 'web', generation, revision: assignment.revision, phase: Phase.PHASE_APPLYING, health: Health.HEALTH_PROGRESSING }) });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const burst = Date.now() - started;
      canary.agent.send({ status: syncedReport({ app: 'web', generation, revision: assignment.revision }) });
      for (const agent of Object.values(agents)) agent.silent = false;
      const { id } = await latestRollout();
      await expect.poll(async () => (await rolloutOf(id)).state, { timeout: 15_000 }).toBe('completed');
      expect(Object.keys(CLUSTERS).map((c) => commitOn(c))).toEqual([next, next, next]);
      // One plan per report would be dozens during the burst; coalesced, at most one per window (and one at its end).
      const duringBurst = plans.filter((at) => at - started <= burst).length;
      expect(duringBurst).toBeLessThanOrEqual(Math.ceil(burst / REPORT_COALESCE_MS) + 1);
    } finally {
      planner.plan = plan;
    }
  });

  it('carries on where it was after a hub restart, skipping no cluster and updating none twice', async () => {
    const generations = () => Object.fromEntries(Object.keys(CLUSTERS).map((c) => [c, Number(agents[c]?.latest('web')?.generation)]));
    const before = generations();
    const next = await push('9');
    await expect.poll(() => commitOn('c-2'), { timeout: 10_000 }).toBe(next);
    const { id } = await latestRollout();
    for (const agent of Object.values(agents)) await agent.close();
    await hub.close();

    hub = await startHub(config);
    connectAgents();
    await expect.poll(async () => (await rolloutOf(id)).state, { timeout: 15_000 }).toBe('completed');
    expect(clusterStates(await rolloutOf(id))).toEqual({ 'c-1': 'succeeded', 'c-2': 'succeeded', 'c-3': 'succeeded' });
    // Each cluster moved to the revision exactly once, across the restart.
    expect(Object.keys(CLUSTERS).map((c) => commitOn(c))).toEqual([next, next, next]);
    expect(generations()).toEqual({ 'c-1': (before['c-1'] as number) + 1, 'c-2': (before['c-2'] as number) + 1, 'c-3': (before['c-3'] as number) + 1 });
  });
});
