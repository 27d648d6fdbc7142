import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Drift records per cluster, app and object; per-cluster policy overrides of apps. */
export class Drift1764150000000 implements MigrationInterface {
  name = 'Drift1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const name = (column: string, length: number, fallback?: string) => ({ name: column, type: 'varchar', length: String(length), ...(fallback !== undefined ? { default: fallback } : {}) });
    await queryRunner.createTable(
      new Table({
        name: 'drift_records',
        columns: [
          { ...name('id', 760), isPrimary: true },
          name('clusterName', 63),
          name('appName', 63),
          name('apiGroup', 253, "''"),
          name('version', 63, "''"),
          name('kind', 63),
          name('namespace', 63, "''"),
          name('name', 253),
          { name: 'deleted', type: 'boolean', default: false },
          { name: 'diffs', type: 'text' },
          name('manager', 255, "''"),
          { name: 'changedAt', type: 'bigint', isNullable: true },
          { name: 'detectedAt', type: 'bigint' },
          name('action', 16),
          { name: 'corrections', type: 'integer', default: 0 },
          { name: 'generation', type: 'bigint', default: 0 },
          { name: 'updatedAt', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex('drift_records', new TableIndex({ columnNames: ['clusterName', 'appName'] }));
    await queryRunner.createIndex('drift_records', new TableIndex({ columnNames: ['appName'] }));
    await queryRunner.addColumn('apps', new TableColumn({ name: 'policyOverrides', type: 'text', default: "'{}'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('apps', 'policyOverrides');
    await queryRunner.dropTable('drift_records');
  }
}
