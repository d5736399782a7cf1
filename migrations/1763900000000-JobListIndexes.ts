import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the admin job list (`listJobs`: keyset pages in (next_run_time nulls last, id)
 * order, filtered by state and trigger type), so a page is an index range read of about `limit`
 * rows however many jobs are pending. Raw SQL for MariaDB 10.11 and MySQL 8 alike.
 *
 * - trigger_type: the trigger JSON's `type`, a STORED generated column, so every writer (the
 *   store, orders' raw inserts) keeps it right without knowing it exists. STORED rather than
 *   VIRTUAL: indexed virtual columns have a long bug history on MariaDB. LEFT(…, 64) so an odd
 *   trigger can never make an insert fail; real types are a handful of short words.
 * - idx_scheduler_jobs_state (paused, next_run_time, id): one state. Paused jobs have no next run
 *   time, so on idx_scheduler_jobs_due they would sit among every other NULL row.
 * - idx_scheduler_jobs_type (trigger_type, paused, next_run_time, id): one trigger type, one
 *   state, or both states read as two ranges and merged.
 * No state and no type needs nothing new: idx_scheduler_jobs_due (next_run_time, id).
 */
export class JobListIndexes1763900000000 implements MigrationInterface {
  name = 'JobListIndexes1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduler_jobs
        ADD COLUMN trigger_type VARCHAR(64) COLLATE utf8mb4_bin
          GENERATED ALWAYS AS (LEFT(JSON_UNQUOTE(JSON_EXTRACT(\`trigger\`, '$.type')), 64)) STORED,
        ADD KEY idx_scheduler_jobs_state (paused, next_run_time, id),
        ADD KEY idx_scheduler_jobs_type (trigger_type, paused, next_run_time, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE scheduler_jobs
        DROP KEY idx_scheduler_jobs_type,
        DROP KEY idx_scheduler_jobs_state,
        DROP COLUMN trigger_type`);
  }
}
