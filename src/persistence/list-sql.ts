import type { Job } from '../scheduler/job';
import { compareJobListKeys } from '../scheduler/job-list';
import type { JobCounts, JobListKey, JobListQuery } from '../scheduler/ports/job-store';
import { JOB_COLUMNS, type JobRow, rowToJob } from './job-row';
import { selectRows, type Sql } from './sql-session';
import { toSqlTime } from './sql-time';

/**
 * One ordered range of an index: the equality prefix (`eq`) fixes its leading columns, so the
 * rest, (next_run_time, id), is read in index order with no filesort.
 */
interface IndexRange {
  index: string;
  /** Leading index columns in order, each compared for equality with its value. */
  eq: Array<[column: string, value: unknown]>;
}

/** The index for a query (see the JobListIndexes migration): one range, or two to merge. */
export function listRanges(query: JobListQuery): IndexRange[] {
  const states = query.state === undefined ? [0, 1] : [query.state === 'paused' ? 1 : 0];
  if (query.triggerType !== undefined) {
    // The column keeps 64 characters (real types are short words); compare like for like.
    const type = query.triggerType.slice(0, 64);
    return states.map((paused) => ({
      index: 'idx_scheduler_jobs_type',
      eq: [
        ['trigger_type', type],
        ['paused', paused],
      ],
    }));
  }
  if (query.state !== undefined) return [{ index: 'idx_scheduler_jobs_state', eq: [['paused', states[0]]] }];
  return [{ index: 'idx_scheduler_jobs_due', eq: [] }];
}

/** `LIKE` pattern for a literal prefix ('!' escapes, so no server escape setting matters). */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * The statement for one segment of a range: jobs with a next run time (keyset on
 * (next_run_time, id)), or those without (keyset on id), as the list puts nulls last.
 * `next_run_time >= ? AND (next_run_time > ? OR id > ?)` rather than a row comparison: both
 * servers turn the first part into a range bound, which they do not for `(a, b) > (?, ?)`.
 */
export function segmentSql(
  range: IndexRange,
  timed: boolean,
  query: JobListQuery,
  limit: number,
): { text: string; params: unknown[] } {
  const where = range.eq.map(([column]) => `${column} = ?`);
  const params: unknown[] = range.eq.map(([, value]) => value);
  const after: JobListKey | undefined = query.after;
  if (timed) {
    where.push('next_run_time IS NOT NULL');
    if (after?.nextRunTime) {
      const t = toSqlTime(after.nextRunTime);
      where.push('next_run_time >= ?', '(next_run_time > ? OR id > ?)');
      params.push(t, t, after.id);
    }
  } else {
    where.push('next_run_time IS NULL');
    if (after && after.nextRunTime === null) {
      where.push('id > ?');
      params.push(after.id);
    }
  }
  if (query.namePrefix !== undefined) {
    // Case-sensitive like the memory store's startsWith (the column's collation is not).
    where.push("name COLLATE utf8mb4_bin LIKE ? ESCAPE '!'");
    params.push(likePrefix(query.namePrefix));
  }
  // Only the columns not fixed by the WHERE: MariaDB sorts (filesort) if ORDER BY names the
  // trigger_type column (a collation mismatch with the bound value) or next_run_time under IS NULL.
  const order = timed ? 'next_run_time, id' : 'id';
  params.push(limit);
  return {
    text:
      `SELECT ${JOB_COLUMNS} FROM scheduler_jobs FORCE INDEX (${range.index}) ` +
      `WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    params,
  };
}

async function readRange(sql: Sql, range: IndexRange, query: JobListQuery, limit: number): Promise<Job[]> {
  const jobs: Job[] = [];
  // A cursor in the null segment has passed every timed job.
  if (!(query.after && query.after.nextRunTime === null)) {
    const timed = segmentSql(range, true, query, limit);
    jobs.push(...(await selectRows<JobRow>(sql, timed.text, timed.params)).map(rowToJob));
  }
  if (jobs.length < limit) {
    const untimed = segmentSql(range, false, query, limit - jobs.length);
    jobs.push(...(await selectRows<JobRow>(sql, untimed.text, untimed.params)).map(rowToJob));
  }
  return jobs;
}

/** A page of `listJobs`: each range read in order (at most `limit` rows each), merged. */
export async function selectJobPage(sql: Sql, query: JobListQuery): Promise<Job[]> {
  const limit = Math.max(0, Math.floor(query.limit));
  if (limit === 0) return [];
  const pages: Job[][] = [];
  for (const range of listRanges(query)) pages.push(await readRange(sql, range, query, limit));
  if (pages.length === 1) return pages[0];
  return pages.flat().sort(compareJobListKeys).slice(0, limit);
}

/** Jobs by state (one grouped count) and the due backlog (a range scan of idx_scheduler_jobs_due). */
export async function countJobRows(sql: Sql, now: Date): Promise<JobCounts> {
  const byState = await selectRows<{ paused: number | string; n: number | string }>(
    sql,
    'SELECT paused, COUNT(*) AS n FROM scheduler_jobs GROUP BY paused',
  );
  const [due] = await selectRows<{ n: number | string }>(
    sql,
    'SELECT COUNT(*) AS n FROM scheduler_jobs FORCE INDEX (idx_scheduler_jobs_due) ' +
      'WHERE next_run_time <= ? AND paused = 0',
    [toSqlTime(now)],
  );
  const count = (paused: number): number =>
    Number(byState.find((row) => Number(row.paused) === paused)?.n ?? 0);
  return { scheduled: count(0), paused: count(1), due: Number(due?.n ?? 0) };
}
