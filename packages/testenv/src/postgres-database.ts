import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server TESTENV.md promises on every machine: local, trust auth, user `postgres`. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Give up on an unreachable server quickly, so the test fails with our message rather than a timeout. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A throwaway database on a PostgreSQL server. */
export interface PostgresDatabase {
  /** Database name, `flotilla_test_<random>`. */
  readonly name: string;
  /** Connection URL of this database (the server URL with the database name swapped in). */
  readonly url: string;
  /** Runs one statement on a fresh connection to this database and returns its rows (tests read what a program wrote). */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Ends leftover connections and drops the database; safe to call twice. */
  drop(): Promise<void>;
}

/** Options for createPostgresDatabase. */
export interface PostgresDatabaseOptions {
  /** URL of any database on the server, used to create and drop the new one. */
  readonly url?: string;
}

/** Thrown when the PostgreSQL server cannot be reached; the message says how to start it. */
export class PostgresUnavailableError extends Error {
  readonly code = 'POSTGRES_UNAVAILABLE';
  readonly data: { readonly url: string };

  constructor(url: string, cause: unknown) {
    const safeUrl = redactPassword(url);
    const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
    super(
      `PostgreSQL is not reachable at ${safeUrl} (${reason}). Integration tests need it: start it with ` +
        '`sudo service postgresql start` (Debian: apt-get install postgresql), or point FLOTILLA_TEST_POSTGRES_URL ' +
        'at a server where this user may CREATE DATABASE.',
      { cause },
    );
    this.name = 'PostgresUnavailableError';
    this.data = { url: safeUrl };
  }
}

/** Creates a uniquely named, empty database on the server at `options.url` and returns how to reach it. */
export async function createPostgresDatabase(options: PostgresDatabaseOptions = {}): Promise<PostgresDatabase> {
  const { url: serverUrl = DEFAULT_POSTGRES_URL } = options;
  const name = `flotilla_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    query: <Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) => withClient(url.toString(), async (client) => (await client.query<Row>(sql, params)).rows),
    drop() {
      // WITH (FORCE) ends other sessions in the same statement; terminating them first leaves a gap
      // in which a pool could reconnect and make the DROP fail.
      dropping ??= withClient(serverUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      });
      return dropping;
    },
  };
}

/** Whether a PostgreSQL server answers at `url`; never throws. */
export async function isPostgresAvailable(url: string = DEFAULT_POSTGRES_URL): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` on a fresh connection and always closes it; connection failures become PostgresUnavailableError. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server restart while connected emits 'error' on the client; unhandled, it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new PostgresUnavailableError(url, error);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
