import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduler's tables. Raw SQL that runs unchanged on MariaDB 10.11 and MySQL 8.
 *
 * Index choices follow the hot queries:
 * - claim: `WHERE next_run_time <= ? AND paused = 0 AND (lease_expiry IS NULL OR lease_expiry <= ?)
 *   ORDER BY next_run_time, id LIMIT ? FOR UPDATE SKIP LOCKED` is a range scan on idx_scheduler_jobs_due
 *   (next_run_time, id) read in index order (no filesort; id breaks ties deterministically). Paused and finished jobs keep next_run_time NULL, outside the
 *   range, so the scan only passes over due jobs and the few whose lease is still held.
 * - outbox relay: `WHERE sent_at IS NULL ORDER BY id LIMIT ?` reads idx_scheduler_outbox_unsent
 *   (sent_at, id) from its NULL end, in id order.
 * Ids are utf8mb4_bin so job ids compare case-sensitively, as the engine treats them.
 */
export class SchedulerTables1763700000000 implements MigrationInterface {
  name = 'SchedulerTables1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scheduler_jobs (
        id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        name VARCHAR(255) NOT NULL,
        \`trigger\` JSON NOT NULL,
        action JSON NOT NULL,
        misfire_grace_time DOUBLE NULL,
        \`coalesce\` TINYINT(1) NOT NULL DEFAULT 1,
        max_instances INT UNSIGNED NOT NULL DEFAULT 1,
        paused TINYINT(1) NOT NULL DEFAULT 0,
        next_run_time DATETIME(3) NULL,
        lease_owner VARCHAR(191) COLLATE utf8mb4_bin NULL,
        lease_expiry DATETIME(3) NULL,
        running INT UNSIGNED NOT NULL DEFAULT 0,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_scheduler_jobs_due (next_run_time, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // No foreign key to scheduler_jobs: history outlives a finished (deleted) one-shot job.
    // (job_id, id) serves "runs of a job, newest first" as a backward index scan. (job_id,
    // scheduled_at) is deliberately not unique: runJobNow and a re-added job may legitimately repeat
    // a scheduled time, and a unique clash would poison a whole completion batch. Tests check
    // exactly-once by grouping on it instead.
    await queryRunner.query(`
      CREATE TABLE scheduler_job_runs (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        job_id VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        scheduled_at DATETIME(3) NOT NULL,
        started_at DATETIME(3) NULL,
        finished_at DATETIME(3) NULL,
        outcome VARCHAR(16) NOT NULL,
        error TEXT NULL,
        owner VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
        PRIMARY KEY (id),
        KEY idx_scheduler_job_runs_job (job_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // value is LONGTEXT, not JSON: MySQL's JSON type re-serializes (key order, spacing), and the
    // relay must publish the bytes the run produced.
    await queryRunner.query(`
      CREATE TABLE scheduler_outbox (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        topic VARCHAR(249) NOT NULL,
        msg_key TEXT NULL,
        value LONGTEXT COLLATE utf8mb4_bin NOT NULL,
        headers JSON NOT NULL,
        created_at DATETIME(3) NOT NULL,
        sent_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_scheduler_outbox_event (event_id),
        KEY idx_scheduler_outbox_unsent (sent_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduler_outbox');
    await queryRunner.query('DROP TABLE scheduler_job_runs');
    await queryRunner.query('DROP TABLE scheduler_jobs');
  }
}
