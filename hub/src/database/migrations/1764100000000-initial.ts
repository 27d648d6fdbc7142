import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Records the hub's schema version; domain tables arrive with their modules. */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE hub_info (key varchar(64) PRIMARY KEY NOT NULL, value varchar(256) NOT NULL)`);
    await queryRunner.query(`INSERT INTO hub_info (key, value) VALUES ('schema', '1')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE hub_info`);
  }
}
