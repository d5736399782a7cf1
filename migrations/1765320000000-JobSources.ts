import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scheduler_job_sources: one row per definition source (jobs declared with @ScheduledJob, jobs
 * from SCHEDULER_JOBS_FILE): the jobs it owns with the hashes of their definitions as last
 * applied, and the version of that set. Reconcilers lock the row, so replicas starting together
 * apply one after another (src/scheduler/definitions/reconcile.ts). Source names are ASCII
 * without spaces, so the binary collation compares them exactly.
 */
export class JobSources1765320000000 implements MigrationInterface {
  name = 'JobSources1765320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scheduler_job_sources (
        source VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        version BIGINT NULL,
        definitions_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
        jobs LONGTEXT NOT NULL,
        updated_at DATETIME(3) NULL,
        updated_by VARCHAR(191) NULL,
        PRIMARY KEY (source)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduler_job_sources');
  }
}
