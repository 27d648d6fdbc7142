import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

// Portable Table API, as in the initial migration: one migration serves SQLite and PostgreSQL.

const name = (column: string, length = 63): TableColumnOptions => ({ name: column, type: 'varchar', length: String(length) });
const time = (column: string, nullable = false): TableColumnOptions => ({ name: column, type: 'bigint', isNullable: nullable });
const int = (column: string): TableColumnOptions => ({ name: column, type: 'integer' });
const flag = (column: string, value: boolean): TableColumnOptions => ({ name: column, type: 'boolean', default: value });

/** Rollouts, the state of each cluster in them, and pins. */
export class Rollouts1764300000000 implements MigrationInterface {
  name = 'Rollouts1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const tables = [
      new Table({
        name: 'rollouts',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          name('appName'),
          name('kind', 16),
          name('sourceName'),
          name('ref', 255),
          name('commit', 40),
          name('state', 16),
          { name: 'strategy', type: 'text' },
          { name: 'message', type: 'text', default: "''" },
          name('createdBy', 255),
          time('createdAt'),
          time('updatedAt'),
          time('finishedAt', true),
        ],
        indices: [{ columnNames: ['appName', 'id'] }],
      }),
      new Table({
        name: 'rollout_clusters',
        columns: [
          { ...int('rolloutId'), isPrimary: true },
          { ...name('clusterName'), isPrimary: true },
          name('appName'),
          int('position'),
          int('wave'),
          flag('canary', false),
          flag('current', true),
          name('state', 16),
          { ...name('fromCommit', 40), isNullable: true },
          { name: 'generation', type: 'bigint', default: 0 },
          time('startedAt', true),
          time('healthySince', true),
          time('finishedAt', true),
          { name: 'message', type: 'text', default: "''" },
        ],
        indices: [{ columnNames: ['appName', 'current'] }],
      }),
      new Table({
        name: 'pins',
        columns: [
          { ...name('appName'), isPrimary: true },
          { ...name('clusterName'), isPrimary: true },
          name('commit', 40),
          { ...int('rolloutId'), isNullable: true },
          name('createdBy', 255),
          time('createdAt'),
        ],
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
    for (const table of ['pins', 'rollout_clusters', 'rollouts']) await queryRunner.dropTable(table);
  }
}
