import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scheduler_outbox.shard: which relay shard an event belongs to (`outboxShard` in
 * src/scheduler/outbox.ts, the same function), so several replicas relay at once while each key
 * stays with one of them. A stored generated column: every writer, old code included, gets it
 * right without knowing of it. The unsent index carries it, so a relay skips other shards' rows on
 * the index without reading them. (MariaDB refuses a CHAR column such as event_id in a generated
 * column, so events without a key share shard 0: they have no order to keep.)
 */
export class OutboxShards1765400000000 implements MigrationInterface {
  name = 'OutboxShards1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE scheduler_outbox ' +
        "ADD COLUMN shard TINYINT UNSIGNED AS (CRC32(IFNULL(msg_key, '')) % 16) STORED, " +
        'DROP INDEX idx_scheduler_outbox_unsent, ' +
        'ADD INDEX idx_scheduler_outbox_unsent (sent_at, id, shard)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE scheduler_outbox ' +
        'DROP INDEX idx_scheduler_outbox_unsent, ' +
        'ADD INDEX idx_scheduler_outbox_unsent (sent_at, id), ' +
        'DROP COLUMN shard',
    );
  }
}
