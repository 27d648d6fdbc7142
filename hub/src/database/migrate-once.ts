import { DataSource, type DataSourceOptions } from 'typeorm';

/** The advisory lock hub replicas take to migrate one at a time (an arbitrary constant: "flt" and 1). */
const MIGRATION_LOCK = 0x666c7401;

/**
 * Opens the database and brings its schema up to date. On PostgreSQL the migrations run under a session advisory lock,
 * so replicas started together on a fresh database migrate one after the other (the later ones find nothing to do)
 * instead of racing to create the same tables.
 */
export async function openMigrated(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  await dataSource.initialize();
  try {
    if (options.type !== 'postgres') {
      await dataSource.runMigrations({ transaction: 'all' });
      return dataSource;
    }
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
    return dataSource;
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
