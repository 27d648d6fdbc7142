import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '@flotilla/testenv';
import type { Logger } from 'pino';
import { parseHubConfig } from '../config/hub-config.js';
import { type Hub, startHub } from '../start-hub.js';
import { apiClient, type ApiClient } from './api-client.js';

export { apiClient, type ApiClient };

/** The databases every hub suite runs against. */
export const TEST_DATABASES = ['sqlite', 'postgres'] as const;

/** What test hubs allow Git hosts to resolve to: testenv's Git server, on 127.0.0.1. */
export const TEST_GIT_ALLOWED_ADDRESSES = '127.0.0.1';

/** The admin API token every test hub accepts (FLOTILLA_ADMIN_TOKEN), unless a test sets its own. */
export const TEST_ADMIN_TOKEN = 'flt_test-admin-token-of-the-test-hubs';

/** A hub for tests, with what it runs on, and a stop that removes that too. */
export interface TestHub extends Hub {
  /** Its data directory (SQLite file, secret key). */
  dataDir: string;
  /** The admin API token it accepts. */
  adminToken: string;
  /** A supertest client of the REST API with the admin token, or with the given token (`null`: none). */
  api(token?: string | null): ApiClient;
  stop(): Promise<void>;
}

/** Starts a hub on free ports with a fresh SQLite directory or a fresh PostgreSQL database, and an admin token. */
export async function startTestHub(database: (typeof TEST_DATABASES)[number], env: Record<string, string> = {}, logger?: Logger): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
  const postgres = database === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = parseHubConfig({
    env: {
      FLOTILLA_DATA_DIR: dataDir,
      FLOTILLA_HTTP_PORT: '0',
      FLOTILLA_GRPC_PORT: '0',
      FLOTILLA_HTTP_HOST: '127.0.0.1',
      FLOTILLA_GRPC_HOST: '127.0.0.1',
      FLOTILLA_LOG_LEVEL: process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'silent',
      FLOTILLA_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // The test Git server listens on loopback, which the Git host policy refuses unless allowed.
      FLOTILLA_GIT_ALLOWED_ADDRESSES: TEST_GIT_ALLOWED_ADDRESSES,
      ...(postgres ? { FLOTILLA_DATABASE_URL: postgres.url } : {}),
      ...env,
    },
  });
  const hub = await startHub(config, ...(logger ? [logger] : []));
  const adminToken = config.adminToken ?? TEST_ADMIN_TOKEN;
  return {
    ...hub,
    dataDir,
    adminToken,
    api: (token?: string | null) => apiClient(hub.httpUrl, token === null ? undefined : (token ?? adminToken)),
    async stop() {
      await hub.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
