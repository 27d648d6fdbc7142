import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * API tokens with roles, cluster credentials (join tokens and agent credentials, hashed) moved out of `clusters`, and
 * room for sealed webhook secrets. A join token registered before this migration stays exchangeable (it never expires).
 */
export class Security1764200000000 implements MigrationInterface {
  name = 'Security1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'name', type: 'varchar', length: '63', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'createdBy', type: 'varchar', length: '255' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint', isNullable: true },
          { name: 'lastUsedAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('api_tokens', new TableIndex({ columnNames: ['tokenHash'], isUnique: true }));
    await queryRunner.createTable(
      new Table({
        name: 'cluster_credentials',
        columns: [
          { name: 'hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'clusterName', type: 'varchar', length: '63' },
          { name: 'kind', type: 'varchar', length: '8' },
          { name: 'createdAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('cluster_credentials', new TableIndex({ columnNames: ['clusterName'] }));
    const clusters = (await queryRunner.query('SELECT "name", "credentialHash", "createdAt" FROM "clusters"')) as Array<{ name: string; credentialHash: string; createdAt: string | number }>;
    for (const cluster of clusters) {
      await queryRunner.query('INSERT INTO "cluster_credentials" ("hash", "clusterName", "kind", "createdAt", "expiresAt") VALUES ($1, $2, $3, $4, NULL)'.replace(/\$\d/g, placeholder(queryRunner)), [
        cluster.credentialHash,
        cluster.name,
        'join',
        Number(cluster.createdAt),
      ]);
    }
    await queryRunner.dropColumn('clusters', 'credentialHash');
    await queryRunner.changeColumn('sources', 'webhookSecret', new TableColumn({ name: 'webhookSecret', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('sources', 'webhookSecret', new TableColumn({ name: 'webhookSecret', type: 'varchar', length: '255', isNullable: true }));
    await queryRunner.addColumn('clusters', new TableColumn({ name: 'credentialHash', type: 'varchar', length: '64', default: "''" }));
    await queryRunner.dropTable('cluster_credentials');
    await queryRunner.dropTable('api_tokens');
  }
}

/** `$1` for PostgreSQL, `?` for SQLite. */
function placeholder(queryRunner: QueryRunner): (match: string) => string {
  return (match) => (queryRunner.connection.options.type === 'postgres' ? match : '?');
}
