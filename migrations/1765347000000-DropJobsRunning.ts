import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * scheduler_jobs.running was written (1 on claim, 0 on release) and never read: the lease columns
 * already say whether a replica holds a job. Only dropped when present, and `down` puts it back as
 * it was, so a database can go back to a version that still writes it.
 */
async function hasRunning(queryRunner: QueryRunner): Promise<boolean> {
  const rows = (await queryRunner.query(
    `SELECT 1 FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'scheduler_jobs' AND COLUMN_NAME = 'running'`,
  )) as unknown[];
  return rows.length > 0;
}

export class DropJobsRunning1765347000000 implements MigrationInterface {
  name = 'DropJobsRunning1765347000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await hasRunning(queryRunner))
      await queryRunner.query('ALTER TABLE scheduler_jobs DROP COLUMN running');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (await hasRunning(queryRunner)) return;
    // The value old code expects of a job no replica holds; it sets 1 itself on its next claim.
    await queryRunner.query(
      'ALTER TABLE scheduler_jobs ADD COLUMN running INT UNSIGNED NOT NULL DEFAULT 0 AFTER lease_expiry',
    );
  }
}
