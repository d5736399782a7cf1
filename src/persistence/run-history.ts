import type { RunHistoryEntry, RunOutcome } from '../scheduler/ports/job-store';
import { execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, fromSqlTimeRequired, toSqlTime } from './sql-time';

export interface RunRow {
  job_id: string;
  scheduled_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  outcome: string;
  error: string | null;
  owner: string;
  attempt?: number | string;
}

export function rowToRunHistory(row: RunRow): RunHistoryEntry {
  return {
    jobId: row.job_id,
    scheduledAt: fromSqlTimeRequired(row.scheduled_at),
    startedAt: fromSqlTime(row.started_at),
    finishedAt: fromSqlTime(row.finished_at),
    outcome: row.outcome as RunOutcome,
    error: row.error,
    owner: row.owner,
    attempt: row.attempt === undefined ? 1 : Number(row.attempt),
  };
}

/**
 * Where the previous batch of the same pass stopped (same cut-off and keepLast): rows before it
 * were deleted or spared, so the next batch starts after it and a pass reads each old row once.
 */
export class RunPruneCursor {
  private pass = '';
  private afterId = '0';

  /** The id to start after for this call. */
  start(before: Date, keepLast: number): string {
    const pass = `${before.getTime()}/${keepLast}`;
    if (pass !== this.pass) {
      this.pass = pass;
      this.afterId = '0';
    }
    return this.afterId;
  }

  /** After a full batch, continue after its last row; after a short one the pass is over. */
  finish(full: boolean, lastId: string | undefined): void {
    if (full && lastId !== undefined) this.afterId = lastId;
    else this.pass = '';
  }
}

/**
 * One retention batch: the oldest `limit` runs (after `afterId`) scheduled before `before`, except
 * the newest `keepLast` of each job still in scheduler_jobs, found by a plain read (no locks) and
 * deleted by primary key, so the write locks only those rows for a moment and never the jobs
 * firing. The read walks the primary key and stops at `limit` rows; a run of a live job is spared
 * when fewer than `keepLast` newer runs of its job exist (at most keepLast entries of the
 * (job_id, id) index), so a batch costs about what it deletes, not the size of the table.
 */
export async function pruneRunRows(
  sql: Sql,
  before: Date,
  keepLast: number,
  limit: number,
  afterId = '0',
): Promise<{ deleted: number; scanned: number; lastId: string | undefined }> {
  const spare =
    keepLast > 0
      ? ' AND (j.id IS NULL OR (SELECT n.id FROM scheduler_job_runs n WHERE n.job_id = r.job_id AND n.id > r.id ' +
        'ORDER BY n.id LIMIT ?, 1) IS NOT NULL)'
      : '';
  const rows = await selectRows<{ id: string | number }>(
    sql,
    'SELECT r.id FROM scheduler_job_runs r LEFT JOIN scheduler_jobs j ON j.id = r.job_id ' +
      `WHERE r.id > ? AND r.scheduled_at < ?${spare} ORDER BY r.id LIMIT ?`,
    keepLast > 0 ? [afterId, toSqlTime(before), keepLast - 1, limit] : [afterId, toSqlTime(before), limit],
  );
  if (rows.length === 0) return { deleted: 0, scanned: 0, lastId: undefined };
  const ids = rows.map((r) => String(r.id));
  const deleted = await execute(
    sql,
    `DELETE FROM scheduler_job_runs WHERE id IN (${ids.map(() => '?').join(',')})`,
    ids,
  );
  return { deleted, scanned: rows.length, lastId: ids[ids.length - 1] };
}
