import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '@flotilla/testenv';
import { parseHubConfig } from '../config/hub-config.js';
import { type Hub, startHub } from '../start-hub.js';

/** The databases every hub suite runs against. */
export const TEST_DATABASES = ['sqlite', 'postgres'] as const;

/** A hub for tests, with what it runs on, and a stop that removes that too. */
export interface TestHub extends Hub {
  stop(): Promise<void>;
}

/** Starts a hub on free ports with a fresh SQLite directory or a fresh PostgreSQL database. */
export async function startTestHub(database: (typeof TEST_DATABASES)[number], env: Record<string, string> = {}): Promise<TestHub> {
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
      ...(postgres ? { FLOTILLA_DATABASE_URL: postgres.url } : {}),
      ...env,
    },
  });
  const hub = await startHub(config);
  return {
    ...hub,
    async stop() {
      await hub.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
