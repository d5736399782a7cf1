import type { TriggerSpec } from './triggers/trigger';

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
}

/** What a caller passes to `Scheduler.addJob`. */
export interface AddJobInput extends Partial<JobOptions> {
  id?: string;
  name?: string;
  trigger: TriggerSpec;
  action: ActionSpec;
  paused?: boolean;
  /** Overrides the first run time the trigger would give. */
  nextRunTime?: Date | null;
  replaceExisting?: boolean;
}

/** What `Scheduler.modifyJob` may change (not the trigger: that is `rescheduleJob`). */
export interface JobChanges extends Partial<JobOptions> {
  name?: string;
  action?: ActionSpec;
  nextRunTime?: Date | null;
}
