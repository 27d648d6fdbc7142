import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assignment } from '../assignments/assignment.entity.js';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { UPSERT_CHUNK_ROWS, upsertRows } from './upsert-rows.js';

const POLICY = {
  prune: true,
  drift: { mode: 'report', ignore: [], checkIntervalSeconds: 0 },
  health: { timeoutSeconds: 300 },
  rollback: { auto: false },
} as Assignment['policy'];

function assignment(clusterName: string, fields: Partial<Assignment> = {}): Assignment {
  return Object.assign(new Assignment(), {
    appName: 'web',
    clusterName,
    generation: 1,
    ackedGeneration: 0,
    active: true,
    sourceName: 'fleet',
    sourceUrl: 'http://git.example/fleet.git',
    ref: 'main',
    commit: 'a'.repeat(40),
    path: 'web',
    variables: { 'cluster.name': clusterName },
    defaultNamespace: 'web',
    policy: POLICY,
    pinned: false,
    artifactDigest: `sha256:${'b'.repeat(64)}`,
    artifactSize: 1234,
    updatedAt: new Date(1_764_000_000_123),
    ...fields,
  });
}

describe.each(TEST_DATABASES)('upsertRows on %s', (database) => {
  let hub: TestHub;
  let dataSource: DataSource;

  beforeAll(async () => {
    hub = await startTestHub(database);
    dataSource = hub.app.get(DataSource);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('inserts rows with their values converted as the entity says, and reads them back equal', async () => {
    const rows = [assignment('eu-1'), assignment('us-1', { commit: null, active: false, pinned: true, variables: {}, artifactDigest: null, artifactSize: null })];
    await upsertRows(dataSource.manager, Assignment, rows, ['appName', 'clusterName']);
    expect(await dataSource.getRepository(Assignment).find({ order: { clusterName: 'ASC' } })).toEqual(rows);
  });

  it('overwrites the stored row with the same key, and only that one', async () => {
    const changed = assignment('eu-1', { generation: 2, commit: 'b'.repeat(40), variables: { 'cluster.name': 'eu-1', tier: 'gold' }, updatedAt: new Date(1_764_000_001_000) });
    await upsertRows(dataSource.manager, Assignment, [changed], ['appName', 'clusterName']);
    const stored = await dataSource.getRepository(Assignment).find({ order: { clusterName: 'ASC' } });
    expect(stored.map((row) => [row.clusterName, row.generation, row.commit, row.variables])).toEqual([
      ['eu-1', 2, 'b'.repeat(40), { 'cluster.name': 'eu-1', tier: 'gold' }],
      ['us-1', 1, null, {}],
    ]);
  });

  it('writes more rows than one statement holds', async () => {
    const rows = Array.from({ length: UPSERT_CHUNK_ROWS * 2 + 1 }, (_, i) => assignment(`c-${String(i).padStart(4, '0')}`, { generation: i + 1 }));
    await upsertRows(dataSource.manager, Assignment, rows, ['appName', 'clusterName']);
    const stored = await dataSource.getRepository(Assignment).find({ where: { appName: 'web' }, order: { clusterName: 'ASC' } });
    expect(stored.filter((row) => row.clusterName.startsWith('c-')).map((row) => row.generation)).toEqual(rows.map((row) => row.generation));
  });
});

describe.each(TEST_DATABASES)('upsertRows given one key twice on %s', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('writes the key once, as the last row with it says (PostgreSQL refuses one statement affecting a row twice)', async () => {
    const dataSource = hub.app.get(DataSource);
    const rows = [assignment('eu-1', { generation: 7 }), assignment('us-1', { generation: 3 }), assignment('eu-1', { generation: 8 })];
    await upsertRows(dataSource.manager, Assignment, rows, ['appName', 'clusterName']);
    const stored = await dataSource.getRepository(Assignment).find({ order: { clusterName: 'ASC' } });
    expect(stored.map((row) => [row.clusterName, row.generation])).toEqual([
      ['eu-1', 8],
      ['us-1', 3],
    ]);
  });
});
