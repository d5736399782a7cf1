import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retries and dead runs: a job's own retry policy and its pending retries (JSON, written only by
 * the store adapter), the attempt number of each history row, and the dead runs kept for redrive.
 */
export class RunRetries1765100000000 implements MigrationInterface {
  name = 'RunRetries1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE scheduler_jobs ADD COLUMN retry_policy JSON NULL, ADD COLUMN retry_state JSON NULL',
    );
    await queryRunner.query('ALTER TABLE scheduler_job_runs ADD COLUMN attempt INT NOT NULL DEFAULT 1');
    await queryRunner.query(`
      CREATE TABLE scheduler_dead_runs (
        id BIGINT NOT NULL AUTO_INCREMENT,
        job_id VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        scheduled_at DATETIME(3) NOT NULL,
        attempts INT NOT NULL,
        last_error TEXT NOT NULL,
        handler VARCHAR(100) NOT NULL,
        job JSON NOT NULL,
        dead_at DATETIME(3) NOT NULL,
        settled_at DATETIME(3) NULL,
        settled_as VARCHAR(16) NULL,
        PRIMARY KEY (id),
        KEY idx_scheduler_dead_runs_open (settled_at, id),
        KEY idx_scheduler_dead_runs_job (job_id, settled_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduler_dead_runs');
    await queryRunner.query('ALTER TABLE scheduler_job_runs DROP COLUMN attempt');
    await queryRunner.query('ALTER TABLE scheduler_jobs DROP COLUMN retry_policy, DROP COLUMN retry_state');
  }
}
