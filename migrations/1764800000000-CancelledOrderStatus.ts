import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `cancelled` becomes a stored order status (guarded firing: the timeout's completion writes it,
 * with cancelled_at = the cancel's firedAt). Orders cancelled before this release are still
 * `pending` with no job left and a successful timeout run: mark them cancelled, with the run's
 * start (the cancel's firedAt) and scheduled time, so a late payment finds them.
 */
export class CancelledOrderStatus1764800000000 implements MigrationInterface {
  name = 'CancelledOrderStatus1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE order_states o
      JOIN (
        SELECT job_id, MAX(id) AS id FROM scheduler_job_runs
        WHERE job_id LIKE 'order-timeout:%' GROUP BY job_id
      ) last_run ON last_run.job_id = CONCAT('order-timeout:', o.order_id)
      JOIN scheduler_job_runs r ON r.id = last_run.id
      LEFT JOIN scheduler_jobs j ON j.id = last_run.job_id
      SET o.status = 'cancelled',
          o.cancelled_at = COALESCE(r.started_at, r.scheduled_at),
          o.run_at = r.scheduled_at
      WHERE o.status = 'pending' AND j.id IS NULL AND r.outcome = 'success'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE order_states SET status = 'pending' WHERE status = 'cancelled'");
  }
}
