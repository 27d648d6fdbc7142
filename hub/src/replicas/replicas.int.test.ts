import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Health, StatusServiceClient } from '@flotilla/proto';
import { createPostgresDatabase, type GitServer, type PostgresDatabase, startGitServer } from '@flotilla/testenv';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { watchStatus } from '../testing/watch-status.js';
import { syncedReport, TestAgent } from '../testing/test-agent.js';

/** A Watch call on a hub, with a client of its own, and how to end both. */
function watch(address: string, request: Parameters<StatusServiceClient['watch']>[0]) {
  const client = new StatusServiceClient(address, grpc.credentials.createInsecure());
  const { events, call } = watchStatus(client, request);
  return {
    events,
    close: () => {
      call.cancel();
      client.close();
    },
  };
}

const report = (reportId: string, generation: number, revision: string, health: Health) => ({ status: syncedReport({ reportId, app: 'web', generation, revision, health }) });

// Two hubs in this process on one PostgreSQL database: what one stores and publishes reaches the agents and watchers of
// the other through the fleet event log (the multi-process, load-balanced version is test/e2e/replicas.test.ts).
describe('hub replicas on one PostgreSQL database', () => {
  let git: GitServer;
  let database: PostgresDatabase;
  let a: TestHub;
  let b: TestHub;
  let commit: string;
  const agents: TestAgent[] = [];
  const credentials: Record<string, string> = {};

  beforeAll(async () => {
    git = await startGitServer();
    commit = (await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    database = await createPostgresDatabase();
    const env = { FLOTILLA_DATABASE_URL: database.url, FLOTILLA_SECRET_KEY: randomBytes(32).toString('base64') };
    // Started together on a fresh database: they migrate it one after the other.
    [a, b] = await Promise.all([startTestHub('postgres', env), startTestHub('postgres', env)]);
    for (const [name, labels] of [['eu-1', { env: 'prod' }], ['us-1', { env: 'prod' }], ['w-1', { ring: 'waves' }], ['w-2', { ring: 'waves' }]] as const) {
      const token = (await a.api().post('/api/v1/clusters').send({ name, labels }).expect(201)).body.joinToken;
      credentials[name] = await TestAgent.join(b.grpcAddress, token, name);
    }
    await a.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
  });
  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await a?.stop();
    await b?.stop();
    await database?.drop();
    await git?.stop();
  });

  const connect = (hub: TestHub, cluster: string): TestAgent => {
    const agent = TestAgent.connect(hub.grpcAddress, credentials[cluster] as string, cluster).keepAlive(500);
    agents.push(agent);
    return agent;
  };

  it('sends an agent on one replica the assignment of an app created on the other', async () => {
    const agent = connect(b, 'eu-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await a.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { clusters: ['eu-1'] } }).expect(201);
    const { assignment } = await agent.next((m) => m.assignment?.app === 'web', 10_000);
    expect(assignment).toMatchObject({ app: 'web', generation: 1, revision: `main@sha1:${commit}` });
    // A change made on the other replica: a new generation, also pushed.
    await a.api().patch('/api/v1/apps/web').send({ variables: { color: 'blue' } }).expect(200);
    const changed = await agent.next((m) => m.assignment?.app === 'web' && Number(m.assignment.generation) === 2, 10_000);
    expect(changed.assignment?.variables).toMatchObject({ color: 'blue' });
  });

  it('loses nothing when the replicas lose their LISTEN connections: they read the log after the last entry they saw', async () => {
    const agent = agents[0] as TestAgent;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const ended = await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'flotilla-hub-listener'`, [database.name]);
      expect(ended.rowCount).toBe(2);
    } finally {
      await client.end();
    }
    await a.api().patch('/api/v1/apps/web').send({ variables: { color: 'green' } }).expect(200);
    const changed = await agent.next((m) => m.assignment?.app === 'web' && m.assignment.variables?.color === 'green', 10_000);
    expect(Number(changed.assignment?.generation)).toBe(3);
  });

  it('shows a watcher on one replica what agents report to the other, and resumes its cursor on either', async () => {
    const agent = agents[0] as TestAgent;
    const generation = 3;
    const onA = watch(a.grpcAddress, { clusters: ['eu-1'], apps: [], resumeFrom: '', skipSnapshot: true });
    agent.send(report('r-1', generation, `main@sha1:${commit}`, Health.HEALTH_PROGRESSING));
    await expect.poll(() => onA.events.map((e) => e.status?.health), { timeout: 10_000 }).toContain('HEALTH_PROGRESSING');
    const cursor = onA.events.at(-1)?.cursor as string;
    onA.close();
    // Missed while no one watched: resumed on the other replica, exactly what was missed and no snapshot.
    agent.send(report('r-2', generation, `main@sha1:${commit}`, Health.HEALTH_HEALTHY));
    await expect.poll(async () => (await b.api().get('/api/v1/apps/web/status')).body.items?.[0]?.applied?.health, { timeout: 10_000 }).toBe('Healthy');
    const onB = watch(b.grpcAddress, { clusters: ['eu-1'], apps: [], resumeFrom: cursor, skipSnapshot: false });
    await expect.poll(() => onB.events.some((e) => String(e.status?.health) === 'HEALTH_HEALTHY'), { timeout: 10_000 }).toBe(true);
    onB.close();
    expect(onB.events.some((e) => e.snapshotComplete || e.statusSnapshot || e.clusterSnapshot)).toBe(false);
    const cursors = onB.events.map((e) => Number(e.cursor));
    expect(cursors.every((c) => c > Number(cursor))).toBe(true);
    expect([...cursors].sort((x, y) => x - y)).toEqual(cursors);
  });

  it('shows on every replica how the latest revision rendered, wherever it was rendered', async () => {
    const checkout = await git.checkout('fleet');
    await checkout.write('web/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: [not, a, map\n');
    const bad = await checkout.commit('a revision that does not render');
    await checkout.push();
    await a.api().post('/api/v1/sources/fleet/refresh').send({}).expect(200);
    await expect.poll(async () => (await b.api().get('/api/v1/apps/web')).body.renderStatus, { timeout: 10_000 }).toMatchObject({ state: 'RenderFailed', revision: `main@sha1:${bad}` });
    await checkout.remove('web/b.yaml');
    const good = await checkout.commit('fixed');
    await checkout.push();
    await a.api().post('/api/v1/sources/fleet/refresh').send({}).expect(200);
    await expect.poll(async () => (await b.api().get('/api/v1/apps/web')).body.renderStatus, { timeout: 10_000 }).toMatchObject({ state: 'Rendered', revision: `main@sha1:${good}` });
  });

  it('steps a rollout planned on one replica from reports its agents send to the other', async () => {
    const waveAgents = ['w-1', 'w-2'].map((cluster) => connect(b, cluster).reportEverythingHealthy());
    await a.api()
      .post('/api/v1/apps')
      .send({ name: 'waves', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { ring: 'waves' } } }, policy: { rollout: { waveSize: 1 } } })
      .expect(201);
    const latest = async () => (await a.api().get('/api/v1/rollouts').query({ app: 'waves', limit: 1 }).expect(200)).body.items[0];
    await expect.poll(async () => (await latest())?.state, { timeout: 20_000 }).toBe('completed');
    const rollout = (await b.api().get(`/api/v1/rollouts/${(await latest()).id}`).expect(200)).body;
    expect(rollout).toMatchObject({ waveCount: 2, progress: { total: 2, succeeded: 2 } });
    // Each cluster was sent the app once: no cluster updated twice.
    for (const agent of waveAgents) expect(agent.received.filter((m) => m.assignment?.app === 'waves').map((m) => Number(m.assignment?.generation))).toEqual([1]);
  });

  it('records one revision and starts one rollout when both replicas find a new commit at once', async () => {
    const checkout = await git.checkout('fleet');
    await checkout.write('web/c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    const commit = await checkout.commit('found by both');
    await checkout.push();
    const answers = await Promise.all([a, b].map((hub) => hub.api().post('/api/v1/sources/fleet/refresh').send({}).expect(200)));
    expect(answers.map((res) => res.body.changed).filter(Boolean)).toHaveLength(1);
    const revisions = (await b.api().get('/api/v1/sources/fleet/revisions').expect(200)).body.items;
    expect(revisions.filter((r: { commit: string }) => r.commit === commit)).toHaveLength(1);
    const rolloutsTo = async () => (await a.api().get('/api/v1/rollouts').query({ app: 'waves' }).expect(200)).body.items.filter((r: { revision: string }) => r.revision.endsWith(commit));
    await expect.poll(async () => (await rolloutsTo()).map((r: { state: string }) => r.state), { timeout: 20_000 }).toEqual(['completed']);
  });

  it('numbers the generations of one app once, however many replicas change it at once', async () => {
    const agent = agents[0] as TestAgent;
    const from = agent.received.length;
    await Promise.all(Array.from({ length: 24 }, (_, i) => [a, b][i % 2]?.api().patch('/api/v1/apps/web').send({ variables: { step: String(i) } }).expect(200)));
    const last = (await a.api().get('/api/v1/apps/web').expect(200)).body.variables.step as string;
    await agent.next((m) => m.assignment?.app === 'web' && m.assignment.variables?.step === last, 15_000, from);
    const sent = agent.received.slice(from).flatMap((m) => (m.assignment?.app === 'web' ? [m.assignment] : []));
    // The same generation is never sent with two contents, and each replica's pushes only go forward.
    const contents = new Map<number, string>();
    for (const assignment of sent) {
      const generation = Number(assignment.generation);
      const content = JSON.stringify(assignment.variables);
      expect(contents.get(generation) ?? content, `generation ${generation}`).toBe(content);
      contents.set(generation, content);
    }
    const stored = (await b.api().get('/api/v1/apps/web/status').expect(200)).body.items[0].desired.generation as number;
    expect(Math.max(...contents.keys())).toBe(stored);
  });

  it('gives a cursor older than the log retains a fresh snapshot, marked as a reset', async () => {
    const stale = watch(b.grpcAddress, { clusters: [], apps: [], resumeFrom: '1a2b3c4d-17', skipSnapshot: false });
    await expect.poll(() => stale.events.find((e) => e.snapshotComplete)?.snapshotComplete, { timeout: 10_000 }).toEqual({ reset: true });
    stale.close();
  });

  it('sends commands and credential rotations made on one replica over the stream the other holds', async () => {
    const agent = agents[0] as TestAgent;
    const sync = await a.api().post('/api/v1/apps/web/sync').send({}).expect(202);
    expect(sync.body.clusters).toEqual([{ cluster: 'eu-1', sent: true, command: expect.any(String) }]);
    const command = await agent.next((m) => m.command?.id === sync.body.clusters[0].command, 10_000);
    expect(command.command?.reconcileNow).toEqual({ app: 'web' });
    const rotated = await a.api().post('/api/v1/clusters/eu-1/credential/rotate').send({}).expect(200);
    expect(rotated.body.previousExpiresAt).toEqual(expect.any(String));
    const { credentialRotation } = await agent.next((m) => Boolean(m.credentialRotation), 10_000);
    expect(credentialRotation?.credential).toMatch(/^flc_/);
    credentials['eu-1'] = credentialRotation?.credential as string;
  });

  it('closes a stream on one replica when its credential is revoked on the other', async () => {
    const agent = agents[0] as TestAgent;
    await a.api().delete('/api/v1/clusters/eu-1/credential').expect(204);
    const ended = await agent.ended(10_000);
    expect(ended.details).toContain('revoked');
  });

  it('closes the stream of a cluster removed on another replica', async () => {
    const agent = connect(b, 'us-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await a.api().delete('/api/v1/clusters/us-1').expect(204);
    const ended = await agent.ended(10_000);
    expect(ended.details).toContain('was removed');
  });
});
