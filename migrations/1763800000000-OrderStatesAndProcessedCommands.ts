import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the orders and commands domains (raw SQL, MariaDB 10.11 and MySQL 8 alike).
 *
 * - order_states: one row per order id, the state machine of src/orders/order-state.ts. It is
 *   written in the same transaction as the order's timeout job (scheduler_jobs), which is what
 *   makes "check for a duplicate / tombstone, then schedule" atomic. Looked up by primary key only.
 * - processed_commands: the eventId of every `scheduler.commands` message applied, written in the
 *   same transaction as its effect, so a redelivered command (even after its job fired and was
 *   deleted, or after a later command reused the job id) changes nothing. processed_at is indexed
 *   for a retention prune.
 */
export class OrderStatesAndProcessedCommands1763800000000 implements MigrationInterface {
  name = 'OrderStatesAndProcessedCommands1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_states (
        order_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        status VARCHAR(24) NOT NULL,
        created_event_id VARCHAR(191) COLLATE utf8mb4_bin NULL,
        paid_event_id VARCHAR(191) COLLATE utf8mb4_bin NULL,
        order_created_at DATETIME(3) NULL,
        run_at DATETIME(3) NULL,
        paid_at DATETIME(3) NULL,
        cancelled_at DATETIME(3) NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (order_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await queryRunner.query(`
      CREATE TABLE processed_commands (
        event_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        type VARCHAR(16) NOT NULL,
        job_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        processed_at DATETIME(3) NOT NULL,
        PRIMARY KEY (event_id),
        KEY idx_processed_commands_at (processed_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processed_commands');
    await queryRunner.query('DROP TABLE order_states');
  }
}
