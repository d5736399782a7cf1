import type { ActionSpec, Job } from '../scheduler/job';
import type { TriggerSpec } from '../scheduler/triggers/trigger';
import { fromSqlTime, toSqlTime, toSqlTimeOrNull } from './sql-time';

/** The columns a Job is read from (`trigger` and `coalesce` are quoted: keywords in MySQL/MariaDB). */
export const JOB_COLUMNS =
  'id, name, `trigger`, action, misfire_grace_time, `coalesce`, max_instances, paused, next_run_time, version';

/** Insert order of JOB_INSERT_VALUES rows. */
export const JOB_INSERT_COLUMNS =
  '(id, name, `trigger`, action, misfire_grace_time, `coalesce`, max_instances, paused, next_run_time, version, created_at, updated_at)';

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
}

/** MariaDB's JSON is LONGTEXT (a string comes back); MySQL 8 returns the parsed value. */
function parseJson<T>(value: unknown): T {
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
    at,
    at,
  ];
}

/** SET clause and values that replace a job's user-visible state and bump its version (lease untouched). */
export function jobUpdateAssignments(job: Job, now: Date): { set: string; values: unknown[] } {
  return {
    set:
      'name = ?, `trigger` = ?, action = ?, misfire_grace_time = ?, `coalesce` = ?, max_instances = ?, ' +
      'paused = ?, next_run_time = ?, version = version + 1, updated_at = ?',
    values: [
      job.name,
      JSON.stringify(job.trigger),
      JSON.stringify(job.action),
      job.misfireGraceTime,
      job.coalesce ? 1 : 0,
      job.maxInstances,
      job.paused ? 1 : 0,
      toSqlTimeOrNull(job.nextRunTime),
      toSqlTime(now),
    ],
  };
}
