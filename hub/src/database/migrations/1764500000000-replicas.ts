import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

// Portable Table API, as in the initial migration: one migration serves SQLite and PostgreSQL.

/** A partial unique index: at most one open update rollout per app and commit. */
const OPEN_UPDATE_ROLLOUT_INDEX = 'UQ_rollouts_open_update_commit';

/**
 * What hub replicas share through the database: the fleet event log (a global sequence every replica follows), leases
 * for work done once, the webhook replay guard, and which replica holds each agent's stream.
 */
export class Replicas1764500000000 implements MigrationInterface {
  name = 'Replicas1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // PostgreSQL: a 64-bit sequence (a busy fleet writes thousands of events a second); SQLite's INTEGER is 64-bit.
    const sequence = queryRunner.connection.options.type === 'postgres' ? 'bigint' : 'integer';
    await queryRunner.createTable(
      new Table({
        name: 'fleet_events',
        columns: [
          { name: 'id', type: sequence, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'topic', type: 'varchar', length: '32' },
          { name: 'origin', type: 'varchar', length: '128' },
          { name: 'cluster', type: 'varchar', length: '253', isNullable: true },
          { name: 'app', type: 'varchar', length: '253', isNullable: true },
          { name: 'payload', type: 'text' },
          { name: 'createdAt', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex('fleet_events', new TableIndex({ name: 'IDX_fleet_events_createdAt', columnNames: ['createdAt'] }));
    await queryRunner.createTable(
      new Table({
        name: 'leases',
        columns: [
          { name: 'name', type: 'varchar', length: '255', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '128' },
          { name: 'acquiredAt', type: 'bigint' },
          { name: 'expiresAt', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          { name: 'key', type: 'varchar', length: '400', isPrimary: true },
          { name: 'expiresAt', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex('webhook_deliveries', new TableIndex({ name: 'IDX_webhook_deliveries_expiresAt', columnNames: ['expiresAt'] }));
    await queryRunner.addColumn('clusters', new TableColumn({ name: 'replica', type: 'varchar', length: '128', isNullable: true }));
    // One app never has two open update rollouts to one commit (two replicas polling once made two). Rollouts left
    // open by that are closed first, the newest kept; then a partial unique index (SQLite and PostgreSQL) keeps it so.
    await queryRunner.query(
      `UPDATE rollouts SET state = 'superseded', "finishedAt" = "updatedAt", message = 'a newer rollout to the same commit took over'
       WHERE kind = 'update' AND "finishedAt" IS NULL AND EXISTS (
         SELECT 1 FROM rollouts newer WHERE newer."appName" = rollouts."appName" AND newer."commit" = rollouts."commit"
           AND newer.kind = 'update' AND newer."finishedAt" IS NULL AND newer.id > rollouts.id)`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "${OPEN_UPDATE_ROLLOUT_INDEX}" ON rollouts ("appName", "commit") WHERE kind = 'update' AND "finishedAt" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "${OPEN_UPDATE_ROLLOUT_INDEX}"`);
    await queryRunner.dropColumn('clusters', 'replica');
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('leases');
    await queryRunner.dropTable('fleet_events');
  }
}
