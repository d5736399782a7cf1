import { effectiveNextRunTime } from './job-builder';
import type { Job, PendingRetry } from './job';
import type { OutboxEvent } from './outbox';
import type { DeadRun, GuardedEvents, RunCompletion, RunRecord } from './ports/job-store';
import type { Trigger } from './triggers';

/** A job this replica holds under a lease, from acquisition until its completion commits. */
export interface HeldJob {
  job: Job;
  trigger: Trigger | null;
  leaseUntil: number;
  /** Instances submitted and not finished (each runs one or more run times in sequence). */
  inFlight: number;
  records: RunRecord[];
  events: OutboxEvent[];
  guarded: GuardedEvents[];
  /** Failed runs waiting for another attempt (as acquired, plus those failing here). */
  retries: PendingRetry[];
  /** Runs that died here (attempts used up, too old, or a permanent failure). */
  dead: Array<Omit<DeadRun, 'id'>>;
  /** The schedule's position, moved on here while the job is held. */
  nextRunTime: Date | null;
  /** False for an on-demand run (schedule left as stored) or once the job was changed meanwhile. */
  ownsSchedule: boolean;
  /** Completion handed to the batcher (or abandoned by shutdown): nothing more happens here. */
  finalized: boolean;
  completion: RunCompletion | null;
}

/** A job just leased: pending retries as stored, the schedule where the store left it. */
export function newHeldJob(job: Job, leaseUntil: number, ownsSchedule: boolean): HeldJob {
  return {
    job,
    trigger: null,
    leaseUntil,
    inFlight: 0,
    records: [],
    events: [],
    guarded: [],
    retries: job.retryState ? job.retryState.runs.map((r) => ({ ...r })) : [],
    dead: [],
    nextRunTime: job.retryState ? job.retryState.scheduleNext : job.nextRunTime,
    ownsSchedule,
    finalized: false,
    completion: null,
  };
}

/** What the held job's runs come to, as one completion for the store to commit. */
export function completionOf(held: HeldJob): RunCompletion {
  const acquired = held.job.retryState ? held.job.retryState.scheduleNext : held.job.nextRunTime;
  const scheduleNext = held.ownsSchedule ? held.nextRunTime : acquired;
  const retries = held.retries.sort((a, b) => +a.dueAt - +b.dueAt);
  return {
    jobId: held.job.id,
    version: held.job.version,
    // Records are made as runs end; history reads better in schedule order (the sort is stable).
    runs: held.records.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime()),
    events: held.events,
    ...(held.guarded.length > 0 ? { guarded: held.guarded } : {}),
    nextRunTime: effectiveNextRunTime(scheduleNext, retries),
    retryState: retries.length > 0 ? { scheduleNext, runs: retries } : null,
    ...(held.dead.length > 0 ? { deadRuns: held.dead } : {}),
  };
}
