import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

// Written with TypeORM's portable Table API so one migration serves SQLite and PostgreSQL.
// Times are epoch milliseconds (bigint) and JSON is text: both databases store them alike.

const name = (column: string, length = 63): TableColumnOptions => ({ name: column, type: 'varchar', length: String(length) });
const text = (column: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name: column, type: 'text', ...options });
const json = (column: string, nullable = false): TableColumnOptions => ({ name: column, type: 'text', isNullable: nullable });
const time = (column: string, nullable = false): TableColumnOptions => ({ name: column, type: 'bigint', isNullable: nullable });
const counter = (column: string): TableColumnOptions => ({ name: column, type: 'bigint', default: 0 });
const flag = (column: string, value: boolean): TableColumnOptions => ({ name: column, type: 'boolean', default: value });
const id = (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });

/** The hub's schema: clusters, sources, revisions, apps, assignments, statuses, history, audit. */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const tables = [
      new Table({
        name: 'clusters',
        columns: [
          { ...name('name'), isPrimary: true },
          json('labels'),
          name('credentialHash', 64),
          flag('connected', false),
          time('lastHeartbeatAt', true),
          { ...name('agentVersion', 64), default: "''" },
          { ...name('kubernetesVersion', 64), default: "''" },
          time('createdAt'),
          time('updatedAt'),
        ],
      }),
      new Table({
        name: 'sources',
        columns: [
          { ...name('name'), isPrimary: true },
          name('url', 2048),
          name('ref', 255),
          { name: 'pollIntervalSeconds', type: 'integer' },
          json('credentials', true),
          { ...name('webhookSecret', 255), isNullable: true },
          { ...name('commit', 40), isNullable: true },
          time('checkedAt', true),
          text('lastError', { isNullable: true }),
          time('createdAt'),
          time('updatedAt'),
        ],
      }),
      new Table({
        name: 'revisions',
        columns: [id(), name('sourceName'), name('ref', 255), name('commit', 40), name('trigger', 16), time('createdAt')],
        indices: [{ columnNames: ['sourceName', 'ref', 'commit'], isUnique: true }],
      }),
      new Table({
        name: 'apps',
        columns: [
          { ...name('name'), isPrimary: true },
          name('sourceName'),
          name('path', 1024),
          json('targetSelector', true),
          json('targetClusters'),
          json('variables'),
          name('defaultNamespace'),
          json('policy'),
          time('createdAt'),
          time('updatedAt'),
        ],
      }),
      new Table({
        name: 'assignments',
        columns: [
          { ...name('appName'), isPrimary: true },
          { ...name('clusterName'), isPrimary: true },
          counter('generation'),
          counter('ackedGeneration'),
          flag('active', true),
          name('sourceName'),
          name('sourceUrl', 2048),
          name('ref', 255),
          { ...name('commit', 40), isNullable: true },
          name('path', 1024),
          json('variables'),
          name('defaultNamespace'),
          json('policy'),
          flag('pinned', false),
          time('updatedAt'),
        ],
        indices: [{ columnNames: ['clusterName'] }],
      }),
      new Table({
        name: 'cluster_app_statuses',
        columns: [
          { ...name('appName'), isPrimary: true },
          { ...name('clusterName'), isPrimary: true },
          counter('generation'),
          { ...name('revision', 320), default: "''" },
          name('phase', 16),
          name('health', 16),
          json('changes'),
          json('errors'),
          { name: 'durationMs', type: 'integer', default: 0 },
          json('inventory'),
          { ...name('lastReportId', 64), default: "''" },
          time('updatedAt'),
        ],
        indices: [{ columnNames: ['clusterName'] }],
      }),
      new Table({
        name: 'history',
        columns: [
          id(),
          name('appName'),
          name('clusterName'),
          name('revision', 320),
          counter('generation'),
          name('outcome', 16),
          json('changes'),
          text('message', { default: "''" }),
          time('createdAt'),
        ],
        indices: [{ columnNames: ['appName', 'clusterName', 'id'] }],
      }),
      new Table({
        name: 'audit_events',
        columns: [id(), name('actor', 255), name('action', 64), name('target', 255), name('result', 16), json('details'), time('createdAt')],
        indices: [{ columnNames: ['createdAt'] }],
      }),
    ];
    for (const table of tables) {
      const indices = table.indices;
      table.indices = [];
      await queryRunner.createTable(table);
      for (const index of indices) await queryRunner.createIndex(table.name, new TableIndex(index));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'history', 'cluster_app_statuses', 'assignments', 'apps', 'revisions', 'sources', 'clusters']) {
      await queryRunner.dropTable(table);
    }
  }
}
