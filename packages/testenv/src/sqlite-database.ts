import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A path for a SQLite database file in its own temporary directory. */
export interface SqliteFile {
  /** Where the database file goes; the driver creates it on first open. */
  readonly path: string;
  /** Deletes the directory with the file and its -wal/-shm/-journal companions; safe to call twice. */
  remove(): Promise<void>;
}

/** Reserves a fresh SQLite file path under os.tmpdir() (for TypeORM's better-sqlite3 driver in tests). */
export async function createSqliteFile(): Promise<SqliteFile> {
  // A directory per file, so removing it also removes the journal files SQLite writes next to the database.
  const directory = await mkdtemp(join(tmpdir(), 'flotilla-sqlite-'));
  return {
    path: join(directory, 'test.sqlite'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
