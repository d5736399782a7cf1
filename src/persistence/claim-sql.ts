import type { Job } from '../scheduler/job';
import type { AcquireJobRequest, AcquireRequest } from '../scheduler/ports/job-store';
import { JOB_COLUMNS, type JobRow, rowToJob } from './job-row';
import { BY_ID, execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, toSqlTime } from './sql-time';

/**
 * The claim query. A range scan of idx_scheduler_jobs_due (next_run_time, id) read in index order, so
 * no filesort and a cost set by LIMIT plus the leased jobs still in flight, not by how many jobs
 * are pending: paused and finished jobs have next_run_time NULL and far-future ones lie beyond `now`.
 * `paused = 0` and the lease test are filters on the rows the scan meets. SKIP LOCKED passes over
 * rows another replica is claiming or completing right now instead of waiting for them.
 *
 * FORCE INDEX is for correctness, not only speed: on a small table the optimizer prefers a full
 * scan plus filesort, which locks every due row before LIMIT applies, so a concurrent claim skips
 * them all and comes back empty. Reading the index in order locks only the rows returned.
 */
export const CLAIM_SQL =
  `SELECT ${JOB_COLUMNS} FROM scheduler_jobs FORCE INDEX (idx_scheduler_jobs_due) ` +
  'WHERE next_run_time <= ? AND paused = 0 AND (lease_expiry IS NULL OR lease_expiry <= ?) ' +
  'ORDER BY next_run_time, id LIMIT ? FOR UPDATE SKIP LOCKED';

/** Inside a transaction: select and lease up to `limit` due jobs (two statements for the whole batch). */
export async function claimDueJobs(sql: Sql, request: AcquireRequest): Promise<Job[]> {
  if (request.limit <= 0) return [];
  const now = toSqlTime(request.now);
  const rows = await selectRows<JobRow>(sql, CLAIM_SQL, [now, now, Math.floor(request.limit)]);
  if (rows.length === 0) return [];
  await execute(sql, `UPDATE scheduler_jobs ${BY_ID} SET lease_owner = ?, lease_expiry = ? WHERE id IN (?)`, [
    request.owner,
    toSqlTime(request.leaseUntil),
    rows.map((row) => row.id),
  ]);
  return rows.map(rowToJob);
}

/** Inside a transaction: lease one job whatever its due time or paused state (a run on demand). */
export async function claimOneJob(sql: Sql, request: AcquireJobRequest): Promise<Job | null> {
  const rows = await selectRows<JobRow>(
    sql,
    `SELECT ${JOB_COLUMNS} FROM scheduler_jobs WHERE id = ? AND (lease_expiry IS NULL OR lease_expiry <= ?) FOR UPDATE`,
    [request.jobId, toSqlTime(request.now)],
  );
  if (rows.length === 0) return null;
  await execute(sql, 'UPDATE scheduler_jobs SET lease_owner = ?, lease_expiry = ? WHERE id = ?', [
    request.owner,
    toSqlTime(request.leaseUntil),
    request.jobId,
  ]);
  return rowToJob(rows[0]);
}

/** Same predicate and index as the claim, read-only, first row only. */
export async function selectNextRunTime(sql: Sql, now: Date): Promise<Date | null> {
  const rows = await selectRows<{ next_run_time: Date | string }>(
    sql,
    'SELECT next_run_time FROM scheduler_jobs FORCE INDEX (idx_scheduler_jobs_due) ' +
      'WHERE next_run_time IS NOT NULL AND paused = 0 ' +
      'AND (lease_expiry IS NULL OR lease_expiry <= ?) ORDER BY next_run_time, id LIMIT 1',
    [toSqlTime(now)],
  );
  return rows.length === 0 ? null : fromSqlTime(rows[0].next_run_time);
}

export async function extendLeaseRows(
  sql: Sql,
  owner: string,
  ids: string[],
  leaseUntil: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await execute(
    sql,
    `UPDATE scheduler_jobs ${BY_ID} SET lease_expiry = ? WHERE lease_owner = ? AND id IN (?)`,
    [toSqlTime(leaseUntil), owner, ids],
  );
}

export async function releaseLeaseRows(sql: Sql, owner: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await execute(
    sql,
    `UPDATE scheduler_jobs ${BY_ID} SET lease_owner = NULL, lease_expiry = NULL ` +
      'WHERE lease_owner = ? AND id IN (?)',
    [owner, ids],
  );
}
