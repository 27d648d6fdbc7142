import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { SqlParameters } from './sql-parameters.js';

/** Rows per statement: at 13 columns, 6,500 bound values, well under SQLite's 32,766 and PostgreSQL's 65,535. */
export const UPSERT_CHUNK_ROWS = 500;

/**
 * Inserts whole rows, or overwrites the stored row with the same key (of rows given with the same key, the last wins): one `INSERT … ON CONFLICT … DO UPDATE` per chunk
 * (the same SQL on SQLite and PostgreSQL), values converted as TypeORM would (transformers, JSON, booleans), nothing
 * read back. TypeORM's `save` selects every row first, its `upsert` selects them all again afterwards on SQLite to
 * fill in column defaults, and its query builder costs more per row than the database does: with thousands of rows
 * (a fleet-wide rollout), those dominated the time from a new commit to the agents.
 */
export async function upsertRows<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, rows: readonly T[], conflictPaths: readonly string[]): Promise<void> {
  const { driver } = manager.dataSource;
  const metadata = manager.dataSource.getMetadata(target);
  const columns = metadata.columns;
  const conflict = metadata.mapPropertyPathsToColumns([...conflictPaths]);
  const table = metadata.tablePath.split('.').map((part) => driver.escape(part)).join('.');
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const keys = conflict.map((column) => driver.escape(column.databaseName)).join(', ');
  const overwrite = columns
    .filter((column) => !conflict.includes(column))
    .map((column) => `${driver.escape(column.databaseName)} = EXCLUDED.${driver.escape(column.databaseName)}`)
    .join(', ');
  // One statement must not carry a key twice: PostgreSQL refuses it ("ON CONFLICT DO UPDATE command cannot affect row a
  // second time"), SQLite applies both in turn. Two objects of one key (a unit of work that changed a stored row and
  // made a new one with the same key) are written as the last one, on both, whichever chunk they fall in.
  const unique = [...new Map(rows.map((row) => [JSON.stringify(conflict.map((column) => column.getEntityValue(row) as unknown)), row])).values()];
  for (let i = 0; i < unique.length; i += UPSERT_CHUNK_ROWS) {
    const parameters = new SqlParameters(driver);
    const tuples = unique
      .slice(i, i + UPSERT_CHUNK_ROWS)
      .map((row) => parameters.row(columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column) ?? null)));
    await manager.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')} ON CONFLICT (${keys}) DO UPDATE SET ${overwrite}`, parameters.values);
  }
}
