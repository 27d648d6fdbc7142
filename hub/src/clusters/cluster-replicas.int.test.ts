import { createPostgresDatabase, type PostgresDatabase } from '@flotilla/testenv';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICA, type Replica } from '../replicas/replica.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';
import { ClusterEvents, type ClusterEvent } from './cluster-events.js';
import { Cluster } from './cluster.entity.js';
import { ClustersService } from './clusters.service.js';
import { ClusterHeartbeatTimeouts } from './cluster-heartbeat-timeouts.js';

/** The clusters table as stored: which replica holds each stream. */
async function stored(hub: TestHub, name: string): Promise<{ connected: boolean; replica: string | null }> {
  const rows = (await hub.app.get(DataSource).query(`SELECT connected, replica FROM clusters WHERE name = '${name}'`)) as Array<{ connected: boolean; replica: string | null }>;
  return { connected: Boolean(rows[0]?.connected), replica: rows[0]?.replica ?? null };
}

/** Writes heartbeats through `hub` for clusters held by it and by another replica; only its own are written. */
async function heartbeatsOnlyOfOwnStreams(hub: TestHub, param: (i: number) => string): Promise<void> {
  const dataSource = hub.app.get(DataSource);
  const own = hub.app.get<Replica>(REPLICA).id;
  const names = Array.from({ length: 1203 }, (_, i) => `hb-${i}`);
  const now = new Date();
  for (let i = 0; i < names.length; i += 100) {
    await dataSource.getRepository(Cluster).insert(names.slice(i, i + 100).map((name) => ({ name, labels: {}, connected: true, replica: own, createdAt: now, updatedAt: now })));
  }
  await dataSource.query(`UPDATE clusters SET replica = ${param(1)} WHERE name = 'hb-7'`, ['elsewhere/1/alive']);
  const base = Date.now() - 5_000;
  // More than one statement's worth, each cluster with its own time.
  await hub.app.get(ClustersService).recordHeartbeats(new Map(names.map((name, i) => [name, new Date(base + i)])));
  const rows = (await dataSource.query(`SELECT name, "lastHeartbeatAt" AS at FROM clusters WHERE name LIKE 'hb-%'`)) as Array<{ name: string; at: string | number | null }>;
  const written = new Map(rows.map((row) => [row.name, row.at === null ? null : Number(row.at)]));
  expect(names.filter((name, i) => name !== 'hb-7' && written.get(name) !== base + i)).toEqual([]);
  // Held by another replica: that replica writes its heartbeats.
  expect(written.get('hb-7')).toBeNull();
}

describe('which replica holds each agent stream (two hubs on one PostgreSQL database)', () => {
  let database: PostgresDatabase;
  let a: TestHub;
  let b: TestHub;
  const agents: TestAgent[] = [];
  let token: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { FLOTILLA_DATABASE_URL: database.url, FLOTILLA_HEARTBEAT_TIMEOUT_MS: '1500', FLOTILLA_HEARTBEAT_INTERVAL_MS: '500' };
    a = await startTestHub('sqlite', env);
    b = await startTestHub('sqlite', env);
    for (const name of ['eu-1', 'us-1']) {
      const joinToken = (await a.api().post('/api/v1/clusters').send({ name, labels: {} }).expect(201)).body.joinToken;
      if (name === 'eu-1') token = await TestAgent.join(a.grpcAddress, joinToken, name);
    }
  });
  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('records the replica holding the stream, and keeps an agent that moved connected when the old stream ends', async () => {
    const onA = TestAgent.connect(a.grpcAddress, token, 'eu-1');
    onA.keepAlive(400);
    agents.push(onA);
    await expect.poll(() => stored(a, 'eu-1')).toEqual({ connected: true, replica: a.app.get<Replica>(REPLICA).id });

    const onB = TestAgent.connect(b.grpcAddress, token, 'eu-1');
    onB.keepAlive(400);
    agents.push(onB);
    await expect.poll(() => stored(a, 'eu-1')).toEqual({ connected: true, replica: b.app.get<Replica>(REPLICA).id });

    const events: ClusterEvent[] = [];
    const subscription = a.app.get(ClusterEvents).events.subscribe((event) => events.push(event));
    await onA.close();
    // A's late disconnection finds the stream held by B: the cluster stays connected, and A says nothing.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await stored(a, 'eu-1')).toEqual({ connected: true, replica: b.app.get<Replica>(REPLICA).id });
    expect(events.filter((event) => event.type === 'disconnected')).toEqual([]);
    subscription.unsubscribe();

    await onB.close();
    await expect.poll(() => stored(a, 'eu-1')).toEqual({ connected: false, replica: null });
  });

  it('marks disconnected a cluster whose replica died without saying so', async () => {
    const dataSource = a.app.get(DataSource);
    // us-1's stream was held by a replica that is gone (kill -9): still marked connected, its heartbeats stopped.
    await dataSource.query(`UPDATE clusters SET connected = true, replica = 'gone/1/dead', "lastHeartbeatAt" = $1 WHERE name = 'us-1'`, [Date.now() - 60_000]);
    const events: ClusterEvent[] = [];
    const subscription = b.app.get(ClusterEvents).events.subscribe((event) => events.push(event));
    expect(await b.app.get(ClusterHeartbeatTimeouts).sweep()).toEqual(['us-1']);
    subscription.unsubscribe();
    expect(await stored(a, 'us-1')).toEqual({ connected: false, replica: null });
    expect(events.map((event) => [event.type, event.cluster.name, event.cluster.connected])).toEqual([['disconnected', 'us-1', false]]);
    // Once is enough: the next pass finds nothing.
    expect(await a.app.get(ClusterHeartbeatTimeouts).sweep()).toEqual([]);
  });

  it('leaves alone a cluster whose heartbeats are recent', async () => {
    await a.app.get(DataSource).query(`UPDATE clusters SET connected = true, replica = 'elsewhere/1/alive', "lastHeartbeatAt" = $1 WHERE name = 'us-1'`, [Date.now()]);
    expect(await b.app.get(ClusterHeartbeatTimeouts).sweep()).toEqual([]);
    expect(await stored(a, 'us-1')).toEqual({ connected: true, replica: 'elsewhere/1/alive' });
  });

  it('writes heartbeats in batches, each cluster its own time, only of the streams this replica holds', async () => {
    await heartbeatsOnlyOfOwnStreams(a, (i) => `$${i}`);
  });
});

describe('heartbeat timeouts on SQLite (one replica)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('sqlite');
    await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: {} }).expect(201);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('marks disconnected a cluster left connected by a hub that was killed', async () => {
    await hub.app.get(DataSource).query(`UPDATE clusters SET connected = 1, replica = 'gone/1/dead', "lastHeartbeatAt" = ? WHERE name = 'eu-1'`, [Date.now() - 120_000]);
    expect(await hub.app.get(ClusterHeartbeatTimeouts).sweep()).toEqual(['eu-1']);
    expect((await hub.api().get('/api/v1/clusters/eu-1').expect(200)).body.connected).toBe(false);
  });

  it('writes heartbeats in batches, each cluster its own time, only of the streams it holds', async () => {
    await heartbeatsOnlyOfOwnStreams(hub, () => '?');
  });
});
