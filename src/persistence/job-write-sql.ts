import type { Job } from '../scheduler/job';
import type { TransactionAddResult } from '../scheduler/ports/job-store';
import { JOB_INSERT_COLUMNS, jobInsertValues, jobUpdateAssignments } from './job-row';
import { insertRows } from './prepared-insert';
import { ER_DUP_ENTRY, errnoOf } from './sql-errors';
import { BY_ID, execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime } from './sql-time';

/** Rows per multi-row INSERT in addJobs: one statement and one commit per chunk. */
export const ADD_JOBS_CHUNK = 1000;

export async function insertJob(sql: Sql, job: Job, now: Date): Promise<void> {
  await execute(sql, `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} VALUES ?`, [
    [jobInsertValues(job, now)],
  ]);
}

/**
 * The fast path of a bulk add, one statement in autocommit: all the jobs, or (a duplicate id, the
 * rare case) none of them, since a failing multi-row INSERT is rolled back as a whole. Returns
 * false then, and the caller takes the transaction that sorts new ids from taken ones.
 */
export async function insertAllOrNone(sql: Sql, jobs: Job[], now: Date): Promise<boolean> {
  if (jobs.length === 0) return true;
  try {
    await insertRows(
      sql,
      `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS}`,
      jobs.map((job) => jobInsertValues(job, now)),
    );
    return true;
  } catch (error) {
    if (errnoOf(error) === ER_DUP_ENTRY) return false;
    throw error;
  }
}

/**
 * Inside a transaction: insert the jobs whose ids are free (one multi-row INSERT) and, when asked,
 * replace the others. Ids are read only when the INSERT of all of them finds one taken. That read
 * cannot see a concurrent writer's uncommitted row, so the second INSERT is a plain one too: if
 * that writer commits the same id, it fails with a duplicate key (never counted from affected
 * rows, which mysql2 reports as found rows) and the caller's transaction is rolled back and run
 * again, when the check sees the row.
 */
export async function insertNewJobs(
  sql: Sql,
  jobs: Job[],
  now: Date,
  replaceExisting = false,
): Promise<TransactionAddResult> {
  const result: TransactionAddResult = { added: [], replaced: [], duplicates: [] };
  if (jobs.length === 0) return result;
  // Usually every id is new: insert without reading first. A taken id fails that statement alone
  // (InnoDB rolls back the statement, not the transaction) and the ids are sorted below.
  if (
    !replaceExisting &&
    jobs.length <= ADD_JOBS_CHUNK &&
    new Set(jobs.map((j) => j.id)).size === jobs.length
  ) {
    if (await insertAllOrNone(sql, jobs, now)) {
      result.added.push(...jobs.map((j) => j.id));
      return result;
    }
  }
  const existing = new Set(
    (
      await selectRows<{ id: string }>(
        sql,
        `SELECT id FROM scheduler_jobs ${BY_ID} WHERE id IN (?)${replaceExisting ? ' FOR UPDATE' : ''}`,
        [jobs.map((j) => j.id)],
      )
    ).map((row) => row.id),
  );
  const fresh: Job[] = [];
  for (const job of jobs) {
    if (!existing.has(job.id)) {
      fresh.push(job);
      existing.add(job.id);
      result.added.push(job.id);
    } else if (replaceExisting) {
      const { set, values } = jobUpdateAssignments(job, now);
      await execute(sql, `UPDATE scheduler_jobs SET ${set} WHERE id = ?`, [...values, job.id]);
      result.replaced.push(job.id);
    } else {
      result.duplicates.push(job.id);
    }
  }
  for (let i = 0; i < fresh.length; i += ADD_JOBS_CHUNK) {
    await insertRows(
      sql,
      `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS}`,
      fresh.slice(i, i + ADD_JOBS_CHUNK).map((job) => jobInsertValues(job, now)),
    );
  }
  return result;
}

/**
 * Inside a transaction: delete a job. With `ifFree`, a job whose lease holds at `now`, or whose row
 * another transaction has locked (a claim or a completion in progress), is left alone: SKIP LOCKED
 * means this never waits for a replica, and never forms a lock cycle with a completion that holds
 * the job row and waits for a domain row this transaction holds.
 */
export async function deleteJob(
  sql: Sql,
  id: string,
  now: Date,
  ifFree: boolean,
): Promise<'removed' | 'leased' | 'missing'> {
  if (!ifFree) {
    return (await execute(sql, 'DELETE FROM scheduler_jobs WHERE id = ?', [id])) > 0 ? 'removed' : 'missing';
  }
  const [row] = await selectRows<{ id: string; lease_expiry: Date | string | null }>(
    sql,
    'SELECT id, lease_expiry FROM scheduler_jobs WHERE id = ? FOR UPDATE SKIP LOCKED',
    [id],
  );
  if (!row) {
    // Missing, or locked by another transaction: a plain read tells which.
    const seen = await selectRows<{ id: string }>(sql, 'SELECT id FROM scheduler_jobs WHERE id = ?', [id]);
    return seen.length > 0 ? 'leased' : 'missing';
  }
  const expiry = fromSqlTime(row.lease_expiry);
  if (expiry !== null && expiry > now) return 'leased';
  await execute(sql, 'DELETE FROM scheduler_jobs WHERE id = ?', [id]);
  return 'removed';
}
