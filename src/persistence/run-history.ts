import type { RunHistoryEntry, RunOutcome } from '../scheduler/ports/job-store';
import { fromSqlTime, fromSqlTimeRequired } from './sql-time';

export interface RunRow {
  job_id: string;
  scheduled_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  outcome: string;
  error: string | null;
  owner: string;
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
  };
}
