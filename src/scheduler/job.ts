import type { RetryPolicy } from './retry-policy';
import type { ApschedulerJobOptionNames } from './validation/job-option-names';
import type { TriggerSpec } from './triggers/trigger';

/** A retry policy as a job gives it: any part left out comes from the scheduler's. */
export interface RetryPolicyInput {
  maxAttempts?: number;
  backoff?: Partial<RetryPolicy['backoff']>;
  maxEventAgeSeconds?: number;
}

/** Any JSON value: jobs, actions and events are stored as JSON, never as code. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a job does when it fires: a handler registered with the scheduler by name, and its arguments. */
export interface ActionSpec {
  handler: string;
  args?: JsonValue;
}

/** Options a caller may set on a job (DESIGN section 4; defaults differ from APScheduler 3 on purpose). */
export interface JobOptions {
  /** Seconds a run may be late and still run; null = run however late. Default null. */
  misfireGraceTime: number | null;
  /** Run a backlog of missed runs once instead of once each. Default true. */
  coalesce: boolean;
  /** Runs of this job in flight at once, across all replicas. Default 1. */
  maxInstances: number;
}

export const DEFAULT_JOB_OPTIONS: Readonly<JobOptions> = Object.freeze({
  misfireGraceTime: null,
  coalesce: true,
  maxInstances: 1,
});

/** The next attempt of a run whose earlier attempt failed (see RetryPolicy). */
export interface PendingRetry {
  /** The run's scheduled time: every attempt of it emits the same event ids. */
  scheduledAt: Date;
  /** The attempt this will be (2 for the first retry). */
  attempt: number;
  dueAt: Date;
}

/**
 * Retries waiting on a job. While any wait, the job's `nextRunTime` is the earliest of them and
 * of `scheduleNext`, the position of its regular schedule.
 */
export interface RetryState {
  scheduleNext: Date | null;
  runs: PendingRetry[];
}

/** A job as the store keeps it. `trigger` and `action` are plain JSON. */
export interface Job extends JobOptions {
  id: string;
  name: string;
  trigger: TriggerSpec;
  action: ActionSpec;
  paused: boolean;
  /** Next due run time; null when paused or finished. */
  nextRunTime: Date | null;
  /** Bumped by the store on every write; lets SQL stores do optimistic updates. */
  version?: number;
  /** The job's own retry policy (partial, completed from the scheduler's); null = the scheduler's. */
  retry?: RetryPolicyInput | null;
  /** Failed runs waiting for their next attempt. */
  retryState?: RetryState | null;
}

/** What a caller passes to `Scheduler.addJob` (options in our names or APScheduler's). */
export interface AddJobInput extends Partial<JobOptions>, ApschedulerJobOptionNames {
  id?: string;
  name?: string;
  trigger: TriggerSpec;
  action: ActionSpec;
  paused?: boolean;
  /** Overrides the first run time the trigger would give. */
  nextRunTime?: Date | null;
  replaceExisting?: boolean;
  retry?: RetryPolicyInput | null;
}

/** What `Scheduler.modifyJob` may change (not the trigger: that is `rescheduleJob`). */
export interface JobChanges extends Partial<JobOptions>, Omit<ApschedulerJobOptionNames, 'replace_existing'> {
  name?: string;
  action?: ActionSpec;
  nextRunTime?: Date | null;
  retry?: RetryPolicyInput | null;
}
