import { effectiveNextRunTime } from '../scheduler/job-builder';
import type { Job } from '../scheduler/job';
import type { DeadRun, DeadRunQuery } from '../scheduler/ports/job-store';
import {
  JOB_COLUMNS,
  JOB_INSERT_COLUMNS,
  type JobRow,
  jobInsertValues,
  parseJson,
  retryStateToJson,
  rowToJob,
} from './job-row';
import { execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, fromSqlTimeRequired, toSqlTime, toSqlTimeOrNull } from './sql-time';

const DEAD_COLUMNS =
  'id, job_id, scheduled_at, attempts, last_error, handler, job, dead_at, settled_at, settled_as';
const MAX_ERROR_CHARS = 4000;

interface DeadRunRow {
  id: number | string;
  job_id: string;
  scheduled_at: Date | string;
  attempts: number;
  last_error: string;
  handler: string;
  job: unknown;
  dead_at: Date | string;
  settled_at: Date | string | null;
  settled_as: string | null;
}

interface StoredJob extends Omit<Job, 'nextRunTime' | 'retryState'> {
  nextRunTime: string | null;
}

function rowToDeadRun(row: DeadRunRow): DeadRun {
  const job = parseJson<StoredJob>(row.job);
  return {
    id: String(row.id),
    jobId: row.job_id,
    scheduledAt: fromSqlTimeRequired(row.scheduled_at),
    attempts: Number(row.attempts),
    lastError: row.last_error,
    handler: row.handler,
    deadAt: fromSqlTimeRequired(row.dead_at),
    job: { ...job, nextRunTime: job.nextRunTime ? new Date(job.nextRunTime) : null, retryState: null },
    settledAt: fromSqlTime(row.settled_at),
    settledAs: (row.settled_as as DeadRun['settledAs']) ?? null,
  };
}

export async function insertDeadRuns(sql: Sql, runs: ReadonlyArray<Omit<DeadRun, 'id'>>): Promise<void> {
  if (runs.length === 0) return;
  await execute(
    sql,
    'INSERT INTO scheduler_dead_runs (job_id, scheduled_at, attempts, last_error, handler, job, dead_at) VALUES ?',
    [
      runs.map((r) => [
        r.jobId,
        toSqlTime(r.scheduledAt),
        r.attempts,
        r.lastError.slice(0, MAX_ERROR_CHARS),
        r.handler,
        JSON.stringify({ ...r.job, retryState: undefined, version: undefined }),
        toSqlTime(r.deadAt),
      ]),
    ],
  );
}

export async function selectDeadRuns(sql: Sql, query: DeadRunQuery): Promise<DeadRun[]> {
  const where = ['settled_at IS NULL'];
  const values: unknown[] = [];
  if (query.jobId !== undefined) {
    where.push('job_id = ?');
    values.push(query.jobId);
  }
  if (query.after !== undefined) {
    where.push('id > ?');
    values.push(query.after);
  }
  const rows = await selectRows<DeadRunRow>(
    sql,
    `SELECT ${DEAD_COLUMNS} FROM scheduler_dead_runs WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
    [...values, query.limit],
  );
  return rows.map(rowToDeadRun);
}

export async function selectDeadRun(sql: Sql, id: string, forUpdate = false): Promise<DeadRun | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const rows = await selectRows<DeadRunRow>(
    sql,
    `SELECT ${DEAD_COLUMNS} FROM scheduler_dead_runs WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? rowToDeadRun(rows[0]) : null;
}

/** In a transaction: a new first attempt, due now, on the job (brought back if it has ended). */
export async function redriveDeadRunRow(
  sql: Sql,
  id: string,
  now: Date,
): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
  const dead = await selectDeadRun(sql, id, true);
  if (!dead) return 'missing';
  if (dead.settledAs) return 'settled';
  const retry = { scheduledAt: dead.scheduledAt, attempt: 1, dueAt: now };
  const rows = await selectRows<JobRow & { lease_expiry: Date | string | null }>(
    sql,
    `SELECT ${JOB_COLUMNS}, lease_expiry FROM scheduler_jobs WHERE id = ? FOR UPDATE`,
    [dead.jobId],
  );
  if (rows[0]) {
    const expiry = fromSqlTime(rows[0].lease_expiry);
    if (expiry && expiry > now) return 'busy';
    const job = rowToJob(rows[0]);
    const scheduleNext = job.retryState ? job.retryState.scheduleNext : job.nextRunTime;
    const runs = [...(job.retryState?.runs ?? []), retry];
    const next = job.paused ? null : effectiveNextRunTime(scheduleNext, runs);
    await execute(
      sql,
      'UPDATE scheduler_jobs SET next_run_time = ?, retry_state = ?, updated_at = ? WHERE id = ?',
      [toSqlTimeOrNull(next), retryStateToJson({ scheduleNext, runs }), toSqlTime(now), dead.jobId],
    );
  } else {
    const job: Job = {
      ...dead.job,
      paused: false,
      nextRunTime: now,
      retryState: { scheduleNext: null, runs: [retry] },
    };
    await execute(sql, `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} VALUES ?`, [
      [jobInsertValues(job, now)],
    ]);
  }
  await settle(sql, id, 'redriven', now);
  return 'redriven';
}

export async function discardDeadRunRow(
  sql: Sql,
  id: string,
  now: Date,
): Promise<'discarded' | 'settled' | 'missing'> {
  const dead = await selectDeadRun(sql, id, true);
  if (!dead) return 'missing';
  if (dead.settledAs) return 'settled';
  await settle(sql, id, 'discarded', now);
  return 'discarded';
}

async function settle(sql: Sql, id: string, as: 'redriven' | 'discarded', now: Date): Promise<void> {
  await execute(sql, 'UPDATE scheduler_dead_runs SET settled_at = ?, settled_as = ? WHERE id = ?', [
    toSqlTime(now),
    as,
    id,
  ]);
}
