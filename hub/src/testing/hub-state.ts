import { DataSource } from 'typeorm';
import type { Hub } from '../start-hub.js';

/** Tables holding the fleet's state (the audit log is left out: refusals are meant to add to it). */
const STATE_TABLES: Record<string, string> = {
  clusters: 'name',
  sources: 'name',
  revisions: 'id',
  apps: 'name',
  assignments: '"appName", "clusterName"',
  cluster_app_statuses: '"appName", "clusterName"',
  history: 'id',
  api_tokens: 'name',
  cluster_credentials: 'hash',
};

/** Columns that change by themselves (heartbeats, polls, token use), not by a request. */
const VOLATILE = new Set(['lastHeartbeatAt', 'connected', 'replica', 'checkedAt', 'lastUsedAt', 'agentVersion', 'kubernetesVersion']);

/**
 * Every row of every state table, read straight from the database: tests take it before and after a refused request
 * to show that nothing changed. Values come back as the driver gives them (bigints as strings on PostgreSQL).
 */
export async function readHubState(hub: Hub): Promise<Record<string, unknown[]>> {
  const dataSource = hub.app.get(DataSource);
  const state: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(STATE_TABLES)) {
    const rows = (await dataSource.query(`SELECT * FROM "${table}" ORDER BY ${key}`)) as Array<Record<string, unknown>>;
    state[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !VOLATILE.has(column)).map(([column, value]) => [column, String(value)])));
  }
  return state;
}
