import type { DataSource } from 'typeorm';

import { summarize, type JobCounts, type JobCountsReader } from '../dashboard/stats/job-counts';
import { toSqlTime } from './sql-time';

/**
 * Job counts for the dashboard, read-only: a GROUP BY over idx_scheduler_jobs_type (trigger_type,
 * paused, ...), an index-only scan, and the due count as a range of idx_scheduler_jobs_due.
 */
export class MySqlJobCounts implements JobCountsReader {
  constructor(private readonly dataSource: DataSource) {}

  async counts(now: Date): Promise<JobCounts> {
    const groups = (await this.dataSource.query(
      'SELECT trigger_type, paused, COUNT(*) AS n FROM scheduler_jobs GROUP BY trigger_type, paused',
    )) as Array<{ trigger_type: string | null; paused: number | string; n: number | string }>;
    const [due] = (await this.dataSource.query(
      'SELECT COUNT(*) AS n FROM scheduler_jobs FORCE INDEX (idx_scheduler_jobs_due) ' +
        'WHERE next_run_time <= ? AND paused = 0',
      [toSqlTime(now)],
    )) as Array<{ n: number | string }>;
    return summarize(
      groups.map((g) => ({
        triggerType: g.trigger_type ?? 'unknown',
        paused: Number(g.paused) === 1,
        n: Number(g.n),
      })),
      Number(due?.n ?? 0),
    );
  }
}
