import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

// Portable Table API, as in the initial migration: one migration serves SQLite and PostgreSQL.

/**
 * Artifacts rendered on the hub (their gzip-compressed canonical bytes, base64 in a text column so one schema serves
 * SQLite and PostgreSQL), the artifact each assignment and history entry names, and an App's render options.
 */
export class Artifacts1764400000000 implements MigrationInterface {
  name = 'Artifacts1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'artifacts',
        columns: [
          { name: 'digest', type: 'varchar', length: '71', isPrimary: true },
          { name: 'size', type: 'bigint' },
          { name: 'storedBytes', type: 'bigint' },
          { name: 'data', type: 'text' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'lastUsedAt', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.addColumns('assignments', [
      new TableColumn({ name: 'artifactDigest', type: 'varchar', length: '71', isNullable: true }),
      new TableColumn({ name: 'artifactSize', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.addColumn('history', new TableColumn({ name: 'artifactDigest', type: 'varchar', length: '71', isNullable: true }));
    await queryRunner.addColumn('apps', new TableColumn({ name: 'render', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('apps', 'render');
    await queryRunner.dropColumn('history', 'artifactDigest');
    await queryRunner.dropColumns('assignments', ['artifactDigest', 'artifactSize']);
    await queryRunner.dropTable('artifacts');
  }
}
