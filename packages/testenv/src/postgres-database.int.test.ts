import { stat } from 'node:fs/promises';
import pg from 'pg';
import { DataSource, EntitySchema } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, DEFAULT_POSTGRES_URL, isPostgresAvailable, PostgresUnavailableError } from './postgres-database.js';
import { createSqliteFile } from './sqlite-database.js';

// Test files are entry points, so they may read the environment; the library only takes options.
const serverUrl = process.env.FLOTILLA_TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;

interface Cluster {
  id: number;
  name: string;
  server: string;
}

const ClusterEntity = new EntitySchema<Cluster>({
  name: 'Cluster',
  tableName: 'clusters',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    name: { type: String, unique: true },
    server: { type: String },
  },
});

/** Saves a cluster through TypeORM and reads it back by name. */
async function roundTrip(dataSource: DataSource): Promise<Cluster | null> {
  const clusters = dataSource.getRepository(ClusterEntity);
  await clusters.save({ name: 'edge-1', server: 'https://127.0.0.1:6443' });
  return clusters.findOneBy({ name: 'edge-1' });
}

describe('createPostgresDatabase', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('gives TypeORM a fresh database that drop() removes', async () => {
    const database = await createPostgresDatabase({ url: serverUrl });
    cleanups.push(() => database.drop());
    expect(database.name).toMatch(/^flotilla_test_[0-9a-f]+$/);

    const dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [ClusterEntity], synchronize: true });
    await dataSource.initialize();
    cleanups.push(() => (dataSource.isInitialized ? dataSource.destroy() : Promise.resolve()));
    expect(await roundTrip(dataSource)).toEqual({ id: 1, name: 'edge-1', server: 'https://127.0.0.1:6443' });
    // query() reads what the program wrote, in that database only.
    expect(await database.query('SELECT name, current_database() AS db FROM clusters WHERE id = $1', [1])).toEqual([{ name: 'edge-1', db: database.name }]);

    // A connection left open on purpose: drop() must end it rather than fail with "being accessed by other users".
    await database.drop();
    await database.drop();

    expect(await databaseExists(database.name)).toBe(false);
  });

  it('fails with a message that says how to start PostgreSQL when the server is unreachable', async () => {
    // Port 1 is privileged and unused, so the connection is refused at once.
    const unreachable = 'postgres://postgres:pw@127.0.0.1:1/postgres';
    expect(await isPostgresAvailable(unreachable)).toBe(false);
    expect(await isPostgresAvailable(serverUrl)).toBe(true);

    const error: unknown = await createPostgresDatabase({ url: unreachable }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PostgresUnavailableError);
    expect(error).toMatchObject({ code: 'POSTGRES_UNAVAILABLE', data: { url: 'postgres://postgres:***@127.0.0.1:1/postgres' } });
    expect((error as Error).message).toMatch(/not reachable at .*ECONNREFUSED.*service postgresql start/);
  });
});

describe('createSqliteFile', () => {
  it('gives TypeORM a SQLite file that stays on disk until remove()', async () => {
    const file = await createSqliteFile();
    const dataSource = new DataSource({ type: 'better-sqlite3', database: file.path, entities: [ClusterEntity], synchronize: true });
    await dataSource.initialize();
    try {
      expect(await roundTrip(dataSource)).toEqual({ id: 1, name: 'edge-1', server: 'https://127.0.0.1:6443' });
    } finally {
      await dataSource.destroy();
    }

    expect((await stat(file.path)).size).toBeGreaterThan(0);
    await file.remove();
    await file.remove();
    await expect(stat(file.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}
