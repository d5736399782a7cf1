import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * dlq_replays: one row per dead letter (its .dlq topic, partition, offset) that a replay claimed,
 * so each is republished at most once, whichever replica or CLI run replays it. Written only by
 * src/persistence/mysql-replay-ledger.ts. `status`: claimed (publishing), published, failed.
 */
export class DeadLetterReplays1764600000000 implements MigrationInterface {
  name = 'DeadLetterReplays1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dlq_replays (
        dlq_topic VARCHAR(249) COLLATE utf8mb4_bin NOT NULL,
        dlq_partition INT NOT NULL,
        dlq_offset BIGINT NOT NULL,
        source_topic VARCHAR(249) COLLATE utf8mb4_bin NOT NULL,
        status VARCHAR(16) NOT NULL,
        claimed_at DATETIME(3) NOT NULL,
        published_at DATETIME(3) NULL,
        PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dlq_replays');
  }
}
