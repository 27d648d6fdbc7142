import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, type PostgresDatabase } from '@flotilla/testenv';
import request from 'supertest';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parseHubConfig } from '../config/hub-config.js';
import { type Hub, startHub } from '../start-hub.js';

describe('hub on its embedded SQLite default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub(parseHubConfig({ env: { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'silent', FLOTILLA_ADMIN_TOKEN: 'an-admin-token-for-tests' } }));
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz', async () => {
    await request(hub.httpUrl).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready once its SQLite file is migrated', async () => {
    await request(hub.httpUrl).get('/readyz').expect(200, { status: 'ok', database: 'sqlite' });
  });
});

describe('hub on PostgreSQL', () => {
  let database: PostgresDatabase;
  let hub: Hub;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    hub = await startHub(
      parseHubConfig({
        env: {
          FLOTILLA_DATABASE_URL: database.url,
          FLOTILLA_HTTP_PORT: '0',
          FLOTILLA_GRPC_PORT: '0',
          FLOTILLA_LOG_LEVEL: 'silent',
          FLOTILLA_ADMIN_TOKEN: 'an-admin-token-for-tests',
          // Without a key the hub would generate one into ./data.
          FLOTILLA_SECRET_KEY: 'a'.repeat(64),
        },
      }),
    );
  });
  afterAll(async () => {
    await hub?.close();
    await database?.drop();
  });

  it('is ready once its PostgreSQL database is migrated', async () => {
    await request(hub.httpUrl).get('/readyz').expect(200, { status: 'ok', database: 'postgres' });
  });
});
