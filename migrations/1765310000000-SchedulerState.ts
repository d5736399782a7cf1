import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scheduler_state: the scheduler-wide pause flag every replica reads before taking due jobs
 * (APScheduler's scheduler.pause()/resume(), cluster-wide). One row, id 1. Written only by
 * src/persistence/mysql-scheduler-state.ts.
 */
export class SchedulerState1765310000000 implements MigrationInterface {
  name = 'SchedulerState1765310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scheduler_state (
        id TINYINT UNSIGNED NOT NULL,
        paused TINYINT(1) NOT NULL,
        changed_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduler_state');
  }
}
