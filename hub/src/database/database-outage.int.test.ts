import { createPostgresDatabase, type PostgresDatabase, proxyDatabaseUrl, type TcpProxy } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

// A real PostgreSQL behind a TCP proxy that the test cuts: the hub's connections are reset and new ones refused,
// as when the database server or the network to it goes away. The REST API must say so (503), not fail (500),
// and serve again once the database is back, without a restart.
describe('REST while PostgreSQL is unreachable', () => {
  let database: PostgresDatabase;
  let proxy: TcpProxy;
  let hub: TestHub;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    let url: string;
    ({ proxy, url } = await proxyDatabaseUrl(database.url));
    hub = await startTestHub('sqlite', { FLOTILLA_DATABASE_URL: url, FLOTILLA_POLL_TICK_MS: '60000' });
    await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: { env: 'prod' } }).expect(201);
  });
  afterAll(async () => {
    await hub?.stop();
    await proxy?.stop();
    await database?.drop();
  });

  it('answers 503 DATABASE unavailable while it is cut, and serves again once it is back', async () => {
    await proxy.cut();
    for (const call of [
      () => hub.api().get('/api/v1/clusters'),
      () => hub.api().get('/api/v1/clusters/eu-1'),
      () => hub.api().post('/api/v1/clusters').send({ name: 'us-1' }),
      () => hub.api().get('/api/v1/audit'),
    ]) {
      const res = await call();
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: { error: { code: 'UNAVAILABLE', message: 'the database is unavailable; the hub serves again as soon as it answers (retry in 5 s)', details: { dependency: 'database' } } },
      });
      expect(res.headers['retry-after']).toBe('5');
    }
    await hub.api().get('/readyz').expect(503);

    await proxy.restore();
    await expect.poll(async () => (await hub.api().get('/api/v1/clusters/eu-1')).status).toBe(200);
    await hub.api().post('/api/v1/clusters').send({ name: 'us-1' }).expect(201);
    await hub.api().get('/readyz').expect(200);
    expect((await hub.api().get('/api/v1/clusters').expect(200)).body.items.map((c: { name: string }) => c.name)).toEqual(['eu-1', 'us-1']);
  });
});
