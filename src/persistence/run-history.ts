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
 * One retention batch: the oldest `limit` runs scheduled before `before`, except the newest
 * `keepLast` of each job still in scheduler_jobs, found by a plain read (no locks) and deleted by
 * primary key, so the write locks only those rows for a moment and never the jobs firing.
 */
export async function pruneRunRows(sql: Sql, before: Date, keepLast: number, limit: number): Promise<number> {
  const rows = await selectRows<{ id: string | number }>(
    sql,
    'SELECT t.id FROM (SELECT r.id, r.scheduled_at, j.id IS NULL AS gone, ' +
      'ROW_NUMBER() OVER (PARTITION BY r.job_id ORDER BY r.id DESC) AS rn ' +
      'FROM scheduler_job_runs r LEFT JOIN scheduler_jobs j ON j.id = r.job_id) t ' +
      'WHERE t.scheduled_at < ? AND (t.gone OR t.rn > ?) ORDER BY t.id LIMIT ?',
    [toSqlTime(before), keepLast, limit],
  );
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => String(r.id));
  return execute(sql, `DELETE FROM scheduler_job_runs WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
}
