import { v4 as uuidv4 } from 'uuid';

import { SchedulerError, ValidationError } from './errors';
import { resolveRetryPolicy } from './retry-policy';
import {
  DEFAULT_JOB_OPTIONS,
  type ActionSpec,
  type AddJobInput,
  type Job,
  type JobChanges,
  type PendingRetry,
} from './job';
import { copyJson } from './memory/clone';
import { assertValidId } from './validation';
import { triggerFromJSON, type RandomSource, type Trigger, type TriggerSpec } from './triggers';
import { assertJsonDepth, assertJsonSize } from './validation';

/** The MySQL job id column is VARCHAR(191) (utf8mb4 index limit). */
export const MAX_JOB_ID_LENGTH = 191;

/** Parses a trigger spec, naming bad fields under `prefix` (`trigger.hour`). */
export function parseTrigger(spec: TriggerSpec, random: RandomSource, prefix = 'trigger'): Trigger {
  try {
    return triggerFromJSON(spec, { random });
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prefix}.${error.field}`, error.reason);
    if (error instanceof SchedulerError) throw error;
    throw new ValidationError(prefix, error instanceof Error ? error.message : String(error));
  }
}

/** The last instant a store's DATETIME column holds. */
const MAX_RUN_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Default bound on a job's action as stored (handler and args, JSON): 1 MiB. */
export const DEFAULT_MAX_ACTION_BYTES = 1_048_576;

/**
 * Checks the options a caller may set; `prefix` locates them in a bulk request (`[3].`). The action
 * is bounded in depth and size here, so library, REST and Kafka callers all get the same refusal
 * before anything is stored.
 */
export function validateJobFields(
  input: AddJobInput | JobChanges,
  prefix = '',
  maxActionBytes = DEFAULT_MAX_ACTION_BYTES,
): void {
  const fail = (field: string, reason: string): never => {
    throw new ValidationError(prefix + field, reason);
  };
  const { misfireGraceTime, coalesce, maxInstances, name, action, nextRunTime } = input;
  if (misfireGraceTime !== undefined && misfireGraceTime !== null) {
    if (typeof misfireGraceTime !== 'number' || !Number.isFinite(misfireGraceTime) || misfireGraceTime <= 0)
      fail('misfireGraceTime', 'must be null (run however late) or a number of seconds > 0');
  }
  if (coalesce !== undefined && typeof coalesce !== 'boolean') fail('coalesce', 'must be a boolean');
  if (maxInstances !== undefined && (!Number.isInteger(maxInstances) || maxInstances < 1))
    fail('maxInstances', 'must be an integer >= 1');
  if (name !== undefined && typeof name !== 'string') fail('name', 'must be a string');
  if (action !== undefined) validateAction(action, prefix, maxActionBytes);
  if (
    nextRunTime !== undefined &&
    nextRunTime !== null &&
    !(nextRunTime instanceof Date && +nextRunTime >= 0 && +nextRunTime <= MAX_RUN_TIME_MS)
  )
    fail('nextRunTime', 'must be null or a valid Date from 1970 to 9999');
  // The one id rule (validation/ids.ts): ids compare byte for byte, so anything a store could
  // pad, fold or mangle (edge whitespace, controls, lone surrogates) is refused here as on Kafka.
  if ('id' in input && input.id !== undefined) assertValidId(input.id, `${prefix}id`, MAX_JOB_ID_LENGTH);
  if ('paused' in input && input.paused !== undefined && typeof input.paused !== 'boolean')
    fail('paused', 'must be a boolean');
  if (input.retry !== undefined && input.retry !== null)
    resolveRetryPolicy(input.retry, undefined, `${prefix}retry`);
}

function validateAction(action: ActionSpec, prefix: string, maxBytes: number): void {
  if (action === null || typeof action !== 'object')
    throw new ValidationError(`${prefix}action`, 'must be an object');
  if (typeof action.handler !== 'string' || action.handler === '')
    throw new ValidationError(`${prefix}action.handler`, 'must be a non-empty string');
  // Depth first: it is iterative, while measuring the size serializes (recursively).
  assertJsonDepth(action.args, `${prefix}action.args`);
  assertJsonSize(action, `${prefix}action`, maxBytes);
}

/**
 * The job to store for an `addJob` input: defaults applied, first run time from the trigger unless
 * given or paused. An explicit `nextRunTime: null` adds the job paused (APScheduler 3).
 */
export function buildJob(input: AddJobInput, trigger: Trigger, now: Date, prefix = ''): Job {
  let paused = input.paused ?? false;
  let nextRunTime: Date | null;
  if (input.nextRunTime !== undefined) {
    nextRunTime = input.nextRunTime === null ? null : new Date(input.nextRunTime.getTime());
    if (nextRunTime === null) paused = true;
  } else {
    nextRunTime = paused ? null : trigger.getNextFireTime(null, now);
    if (nextRunTime === null && !paused)
      throw new ValidationError(`${prefix}trigger`, 'the trigger never fires');
  }
  if (paused) nextRunTime = null;
  return {
    id: input.id ?? uuidv4(),
    name: input.name ?? input.action.handler,
    trigger: trigger.toJSON(),
    action: copyJson(input.action),
    misfireGraceTime: input.misfireGraceTime ?? DEFAULT_JOB_OPTIONS.misfireGraceTime,
    coalesce: input.coalesce ?? DEFAULT_JOB_OPTIONS.coalesce,
    maxInstances: input.maxInstances ?? DEFAULT_JOB_OPTIONS.maxInstances,
    paused,
    nextRunTime,
    retry: input.retry ? copyJson(input.retry) : null,
    retryState: null,
  };
}

/** A job with `changes` applied. Setting a next run time resumes a paused job; null pauses it. */
export function applyChanges(job: Job, changes: JobChanges): Job {
  const next: Job = { ...job };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.action !== undefined) next.action = copyJson(changes.action);
  if (changes.misfireGraceTime !== undefined) next.misfireGraceTime = changes.misfireGraceTime;
  if (changes.coalesce !== undefined) next.coalesce = changes.coalesce;
  if (changes.maxInstances !== undefined) next.maxInstances = changes.maxInstances;
  if (changes.retry !== undefined) next.retry = changes.retry ? copyJson(changes.retry) : null;
  if (changes.nextRunTime !== undefined) {
    next.nextRunTime = changes.nextRunTime === null ? null : new Date(changes.nextRunTime.getTime());
    next.paused = changes.nextRunTime === null;
  }
  return next;
}

/**
 * A job whose regular schedule moved to `regularNext` (reschedule, resume, a new next run time):
 * pending retries keep their times, and the job is next due at the earliest of both.
 */
export function withRegularNext(job: Job, regularNext: Date | null): Job {
  const runs = job.retryState?.runs ?? [];
  if (runs.length === 0) return { ...job, nextRunTime: regularNext, retryState: null };
  const earliest = effectiveNextRunTime(regularNext, runs);
  return {
    ...job,
    nextRunTime: job.paused ? null : earliest,
    retryState: { scheduleNext: regularNext, runs },
  };
}

/** When a job with this regular next run time and these pending retries is next due. */
export function effectiveNextRunTime(regularNext: Date | null, runs: readonly PendingRetry[]): Date | null {
  let t = regularNext ? regularNext.getTime() : Number.POSITIVE_INFINITY;
  for (const r of runs) t = Math.min(t, r.dueAt.getTime());
  return Number.isFinite(t) ? new Date(t) : null;
}
