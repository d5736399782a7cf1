import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the relay needs to isolate and dead-letter an outbox event it cannot publish (unknown
 * topic, too large, not authorized), without touching the hot unsent index:
 * - attempts / last_error / first_failed_at: failed publishes of the row for such a reason, so the
 *   dead-letter deadline survives a change of relay leader.
 * - dead_at: when the row was dead-lettered. Its sent_at is set at the same moment (the relay is
 *   done with it), so the relay's `sent_at IS NULL` range scan and the backlog never see it again,
 *   and retention prunes it like a sent row.
 * - idx_scheduler_outbox_dead (dead_at, id): the admin list of dead letters, newest first, as a
 *   range read of one page.
 */
export class OutboxDeadLetters1764600000000 implements MigrationInterface {
  name = 'OutboxDeadLetters1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduler_outbox
        ADD COLUMN attempts INT UNSIGNED NOT NULL DEFAULT 0,
        ADD COLUMN last_error VARCHAR(1024) NULL,
        ADD COLUMN first_failed_at DATETIME(3) NULL,
        ADD COLUMN dead_at DATETIME(3) NULL,
        ADD KEY idx_scheduler_outbox_dead (dead_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduler_outbox
        DROP KEY idx_scheduler_outbox_dead,
        DROP COLUMN dead_at,
        DROP COLUMN first_failed_at,
        DROP COLUMN last_error,
        DROP COLUMN attempts`);
  }
}
