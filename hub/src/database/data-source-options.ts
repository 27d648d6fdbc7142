import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { HubConfig } from '../config/hub-config.js';

/** The kind of database in use, as /readyz and logs name it. */
export type DatabaseKind = 'sqlite' | 'postgres';

/** Which database the configuration selects: PostgreSQL for postgres:// URLs, otherwise a SQLite file. */
export function databaseKind(config: Pick<HubConfig, 'databaseUrl'>): DatabaseKind {
  return config.databaseUrl?.startsWith('postgres') ? 'postgres' : 'sqlite';
}

/** TypeORM options for the configured database; creates the data directory for the SQLite default. */
export function dataSourceOptions(config: Pick<HubConfig, 'databaseUrl' | 'dataDir'>): DataSourceOptions {
  const common = { synchronize: false, migrationsRun: true, logging: false } as const;
  if (databaseKind(config) === 'postgres') {
    return { ...common, type: 'postgres', url: config.databaseUrl, applicationName: 'flotilla-hub' };
  }
  const file = config.databaseUrl?.startsWith('sqlite://')
    ? config.databaseUrl.slice('sqlite://'.length)
    : join(resolve(config.dataDir), 'flotilla.db');
  mkdirSync(resolve(file, '..'), { recursive: true });
  // WAL lets readers (REST) run while the agent stream writes.
  return { ...common, type: 'better-sqlite3', database: file, enableWAL: true };
}
