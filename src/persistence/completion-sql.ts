import type { OutboxEvent } from '../scheduler/outbox';
import type { CompleteResult, RunCompletion, StoreTransaction } from '../scheduler/ports/job-store';
import { insertOutboxRows } from './outbox-sql';
import { BY_ID, execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, toSqlTime, toSqlTimeOrNull } from './sql-time';
import { insertDeadRuns } from './dead-run-sql';
import { retryStateFromJson, retryStateToJson } from './job-row';
import { effectiveNextRunTime } from '../scheduler/job-builder';
import { passedGuards } from '../scheduler/guards';
import type { RetryState } from '../scheduler/job';

const RUN_INSERT_CHUNK = 1000;

interface LockedJob {
  id: string;
  version: number | string;
  paused: number | boolean;
  lease_owner: string | null;
  next_run_time: Date | string | null;
  retry_state: unknown;
}

/** A job row's new schedule: its next run time and pending retries. */
interface NextState {
  next: Date | null;
  retryState: RetryState | null;
}

/** What each completion does to its job row, decided under the row locks. */
interface CompletionPlan {
  applied: RunCompletion[];
  leaseLost: string[];
  /** One-shot finished (nextRunTime null, not paused) with no change during the run: delete the row. */
  finish: string[];
  /** Lease to release, with the state to store, or undefined when a change made during the run wins. */
  release: Map<string, NextState | undefined>;
}

/** The port's rules (and the memory store's), applied to rows read FOR UPDATE. */
function plan(owner: string, completions: RunCompletion[], locked: LockedJob[]): CompletionPlan {
  const rows = new Map(locked.map((row) => [row.id, { ...row }]));
  const result: CompletionPlan = { applied: [], leaseLost: [], finish: [], release: new Map() };
  for (const completion of completions) {
    const row = rows.get(completion.jobId);
    if (!row) {
      // Removed while it ran: the run happened, so its history and events still commit.
      result.applied.push(completion);
      continue;
    }
    const changed = Number(row.version) !== completion.version;
    // Someone else holds it now, so the run will happen again there. A changed job whose lease
    // is already free was not reclaimed by anyone: the run stands.
    if (row.lease_owner !== owner && !(row.lease_owner === null && changed)) {
      result.leaseLost.push(completion.jobId);
      continue;
    }
    result.applied.push(completion);
    if (row.lease_owner === owner) {
      if (changed)
        result.release.set(
          row.id,
          completion.retryState ? afterChange(row, completion.retryState) : undefined,
        );
      else if (completion.nextRunTime === null && !Number(row.paused)) result.finish.push(row.id);
      // A paused job's on-demand run keeps the job, with no next run time.
      else
        result.release.set(row.id, {
          next: completion.nextRunTime,
          retryState: completion.retryState ?? null,
        });
    }
    // A second completion for the same job in one batch no longer holds the lease.
    row.lease_owner = null;
    row.version = -1;
  }
  return result;
}

/** The change made during the run keeps its schedule; the failed runs still get their attempts. */
function afterChange(row: LockedJob, retryState: RetryState): NextState {
  const stored = retryStateFromJson(row.retry_state);
  const scheduleNext = stored ? stored.scheduleNext : fromSqlTime(row.next_run_time);
  const next = Number(row.paused) ? null : effectiveNextRunTime(scheduleNext, retryState.runs);
  return { next, retryState: { scheduleNext, runs: retryState.runs } };
}

async function insertRunRows(sql: Sql, owner: string, completions: RunCompletion[]): Promise<void> {
  const rows = completions.flatMap((c) =>
    c.runs.map((run) => [
      c.jobId,
      toSqlTime(run.scheduledAt),
      toSqlTimeOrNull(run.startedAt),
      toSqlTimeOrNull(run.finishedAt),
      run.outcome,
      run.error,
      owner,
      run.attempt ?? 1,
    ]),
  );
  for (let i = 0; i < rows.length; i += RUN_INSERT_CHUNK) {
    await execute(
      sql,
      'INSERT INTO scheduler_job_runs (job_id, scheduled_at, started_at, finished_at, outcome, error, owner, attempt) VALUES ?',
      [rows.slice(i, i + RUN_INSERT_CHUNK)],
    );
  }
}

/** One UPDATE for every job that goes on: new next_run_time where the completion sets it, lease released. */
async function releaseRows(
  sql: Sql,
  owner: string,
  release: Map<string, NextState | undefined>,
  now: Date,
): Promise<void> {
  if (release.size === 0) return;
  const cases: string[] = [];
  const caseValues: unknown[] = [];
  const retryCases: string[] = [];
  const retryValues: unknown[] = [];
  for (const [id, state] of release) {
    if (state === undefined) continue;
    cases.push('WHEN ? THEN ?');
    caseValues.push(id, toSqlTimeOrNull(state.next));
    retryCases.push('WHEN ? THEN ?');
    retryValues.push(id, retryStateToJson(state.retryState));
  }
  const nextRunTime =
    cases.length > 0 ? `CASE id ${cases.join(' ')} ELSE next_run_time END` : 'next_run_time';
  const retryState =
    retryCases.length > 0 ? `CASE id ${retryCases.join(' ')} ELSE retry_state END` : 'retry_state';
  await execute(
    sql,
    `UPDATE scheduler_jobs ${BY_ID} SET next_run_time = ${nextRunTime}, retry_state = ${retryState}, ` +
      'lease_owner = NULL, lease_expiry = NULL, updated_at = ? WHERE lease_owner = ? AND id IN (?)',
    [...caseValues, ...retryValues, toSqlTime(now), owner, [...release.keys()]],
  );
}

/**
 * Guards of the applied completions, inside the completion transaction (job rows are locked
 * first, domain rows by the guards after: units of work lock domain rows first and take job rows
 * only with SKIP LOCKED, so the two never wait on each other in a cycle).
 */
async function eventsToCommit(applied: RunCompletion[], tx: StoreTransaction): Promise<OutboxEvent[]> {
  const passed = await passedGuards(applied, tx);
  const events: OutboxEvent[] = [];
  for (const completion of applied) {
    events.push(...completion.events);
    for (const group of completion.guarded ?? []) if (passed.has(group)) events.push(...group.events);
  }
  return events;
}

/**
 * Inside one transaction, for a whole batch: lock the jobs (1 statement), run the guards of
 * guarded runs (a batched guard's statements once for the whole batch), insert history and outbox rows (1 multi-row INSERT each), delete finished
 * one-shot jobs (1) and move the others on (1). Every statement is guarded by `lease_owner = ?` as
 * well as by the plan made under the locks.
 */
export async function applyCompletions(
  sql: Sql,
  owner: string,
  completions: RunCompletion[],
  now: Date,
  tx: StoreTransaction,
): Promise<CompleteResult> {
  if (completions.length === 0) return { leaseLost: [] };
  const ids = [...new Set(completions.map((c) => c.jobId))];
  const locked = await selectRows<LockedJob>(
    sql,
    `SELECT id, version, paused, lease_owner, next_run_time, retry_state FROM scheduler_jobs ${BY_ID} WHERE id IN (?) FOR UPDATE`,
    [ids],
  );
  const p = plan(owner, completions, locked);
  const events = await eventsToCommit(p.applied, tx);
  await insertRunRows(sql, owner, p.applied);
  await insertDeadRuns(
    sql,
    p.applied.flatMap((c) => c.deadRuns ?? []),
  );
  await insertOutboxRows(sql, events, now);
  if (p.finish.length > 0) {
    await execute(sql, `DELETE j FROM scheduler_jobs AS j ${BY_ID} WHERE j.lease_owner = ? AND j.id IN (?)`, [
      owner,
      p.finish,
    ]);
  }
  await releaseRows(sql, owner, p.release, now);
  return { leaseLost: p.leaseLost };
}
