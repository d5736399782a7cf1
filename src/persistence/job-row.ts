import type { ActionSpec, Job, RetryPolicyInput, RetryState } from '../scheduler/job';
import type { TriggerSpec } from '../scheduler/triggers/trigger';
import { fromSqlTime, toSqlTime, toSqlTimeOrNull } from './sql-time';

/** The columns a Job is read from (`trigger` and `coalesce` are quoted: keywords in MySQL/MariaDB). */
export const JOB_COLUMNS =
  'id, name, `trigger`, action, misfire_grace_time, `coalesce`, max_instances, paused, next_run_time, version, ' +
  'retry_policy, retry_state';

/** Insert order of JOB_INSERT_VALUES rows. */
export const JOB_INSERT_COLUMNS =
  '(id, name, `trigger`, action, misfire_grace_time, `coalesce`, max_instances, paused, next_run_time, version, ' +
  'retry_policy, retry_state, created_at, updated_at)';

export interface JobRow {
  id: string;
  name: string;
  trigger: unknown;
  action: unknown;
  misfire_grace_time: number | null;
  coalesce: number | boolean;
  max_instances: number;
  paused: number | boolean;
  next_run_time: Date | string | null;
  version: number | string;
  retry_policy: unknown;
  retry_state: unknown;
}

interface StoredRetryState {
  scheduleNext: string | null;
  runs: Array<{ scheduledAt: string; attempt: number; dueAt: string }>;
}

/** Pending retries as stored: ISO instants in JSON. */
export function retryStateToJson(state: RetryState | null | undefined): string | null {
  if (!state || state.runs.length === 0) return null;
  const stored: StoredRetryState = {
    scheduleNext: state.scheduleNext ? state.scheduleNext.toISOString() : null,
    runs: state.runs.map((r) => ({
      scheduledAt: r.scheduledAt.toISOString(),
      attempt: r.attempt,
      dueAt: r.dueAt.toISOString(),
    })),
  };
  return JSON.stringify(stored);
}

export function retryStateFromJson(value: unknown): RetryState | null {
  if (value === null || value === undefined) return null;
  const stored = parseJson<StoredRetryState>(value);
  return {
    scheduleNext: stored.scheduleNext ? new Date(stored.scheduleNext) : null,
    runs: stored.runs.map((r) => ({
      scheduledAt: new Date(r.scheduledAt),
      attempt: r.attempt,
      dueAt: new Date(r.dueAt),
    })),
  };
}

/** MariaDB's JSON is LONGTEXT (a string comes back); MySQL 8 returns the parsed value. */
export function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    trigger: parseJson<TriggerSpec>(row.trigger),
    action: parseJson<ActionSpec>(row.action),
    misfireGraceTime: row.misfire_grace_time === null ? null : Number(row.misfire_grace_time),
    coalesce: Boolean(Number(row.coalesce)),
    maxInstances: Number(row.max_instances),
    paused: Boolean(Number(row.paused)),
    nextRunTime: fromSqlTime(row.next_run_time),
    version: Number(row.version),
    retry:
      row.retry_policy === null || row.retry_policy === undefined
        ? null
        : parseJson<RetryPolicyInput>(row.retry_policy),
    retryState: retryStateFromJson(row.retry_state),
  };
}

/** One row of a multi-row `INSERT … JOB_INSERT_COLUMNS VALUES ?`; a new job starts at version 1. */
export function jobInsertValues(job: Job, now: Date): unknown[] {
  const at = toSqlTime(now);
  return [
    job.id,
    job.name,
    JSON.stringify(job.trigger),
    JSON.stringify(job.action),
    job.misfireGraceTime,
    job.coalesce ? 1 : 0,
    job.maxInstances,
    job.paused ? 1 : 0,
    toSqlTimeOrNull(job.nextRunTime),
    1,
    job.retry ? JSON.stringify(job.retry) : null,
    retryStateToJson(job.retryState),
    at,
    at,
  ];
}

/** SET clause and values that replace a job's user-visible state and bump its version (lease untouched). */
export function jobUpdateAssignments(job: Job, now: Date): { set: string; values: unknown[] } {
  return {
    set:
      'name = ?, `trigger` = ?, action = ?, misfire_grace_time = ?, `coalesce` = ?, max_instances = ?, ' +
      'paused = ?, next_run_time = ?, retry_policy = ?, retry_state = ?, version = version + 1, updated_at = ?',
    values: [
      job.name,
      JSON.stringify(job.trigger),
      JSON.stringify(job.action),
      job.misfireGraceTime,
      job.coalesce ? 1 : 0,
      job.maxInstances,
      job.paused ? 1 : 0,
      toSqlTimeOrNull(job.nextRunTime),
      job.retry ? JSON.stringify(job.retry) : null,
      retryStateToJson(job.retryState),
      toSqlTime(now),
    ],
  };
}
