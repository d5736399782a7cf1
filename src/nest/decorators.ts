import 'reflect-metadata';

import type {
  CalendarIntervalTriggerSpec,
  CronTriggerSpec,
  DateTriggerSpec,
  IntervalTriggerSpec,
  JsonValue,
  RetryPolicyInput,
} from '../scheduler';

export const ACTION_HANDLER_METADATA = 'delayed-action:action-handler';
export const SCHEDULED_JOBS_METADATA = 'delayed-action:scheduled-jobs';

/** Options of `@ActionHandler`. */
export interface ActionHandlerOptions {
  /**
   * Checks a job's args when a job naming this handler is added or changed (any entry point:
   * REST, Kafka, definitions); throws the engine's ValidationError. A function, or the name of a
   * method of the same provider (called on the instance).
   */
  validateArgs?: ((args: JsonValue | undefined) => void) | string;
}

export interface ActionHandlerMetadata {
  name: string;
  options: ActionHandlerOptions;
}

/** APScheduler's job options (snake_case accepted too, as in `add_job`). */
export interface ScheduledJobOptions {
  /** Stable across deploys: the store keys the job by it. Default `ClassName.methodName`. */
  id?: string;
  name?: string;
  /** JSON passed to the handler as `ctx.args` (APScheduler's args/kwargs). */
  args?: JsonValue;
  misfireGraceTime?: number | null;
  misfire_grace_time?: number | null;
  coalesce?: boolean;
  maxInstances?: number;
  max_instances?: number;
  retry?: RetryPolicyInput | null;
}

type Params<S> = Partial<Omit<S, 'type'>> & Record<string, unknown>;

/** A trigger's parameters by type (camelCase or APScheduler's snake_case). */
export interface TriggerParamsByType {
  date: Params<DateTriggerSpec>;
  interval: Params<IntervalTriggerSpec>;
  cron: Params<CronTriggerSpec>;
  crontab: Params<CronTriggerSpec> & { expr: string };
  calendarinterval: Params<CalendarIntervalTriggerSpec>;
  and: { triggers: Array<{ trigger: string; params?: Record<string, unknown> }>; jitter?: number };
  or: { triggers: Array<{ trigger: string; params?: Record<string, unknown> }>; jitter?: number };
}

export interface ScheduledJobMetadata {
  trigger: string;
  options: Record<string, unknown>;
}

/**
 * Registers the method as the named action handler (called with the run's RunContext). Jobs
 * made over REST or Kafka, from the jobs file or by `@ScheduledJob` name it in `action.handler`.
 */
export function ActionHandler(name: string, options: ActionHandlerOptions = {}): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ACTION_HANDLER_METADATA, { name, options }, descriptor.value as object);
    return descriptor;
  };
}

/**
 * Declares a job that runs this method, as APScheduler's `@sched.scheduled_job(trigger, **kwargs)`:
 * the trigger's type, then its parameters and the job's options side by side
 * (`@ScheduledJob('cron', { id: 'nightly', day: 'last sun', hour: 3, misfireGraceTime: 600 })`).
 * The job lives in the store like any other (one run per due time across replicas, kept across
 * restarts); at start the definitions in code are reconciled with the store (docs/library.md).
 * The method is the job's action handler: its own `@ActionHandler` name, or `ClassName.methodName`.
 * May be applied more than once (each with its own id).
 */
export function ScheduledJob<T extends keyof TriggerParamsByType>(
  trigger: T,
  options: ScheduledJobOptions & TriggerParamsByType[T] = {} as ScheduledJobOptions & TriggerParamsByType[T],
): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const jobs =
      (Reflect.getMetadata(SCHEDULED_JOBS_METADATA, method) as ScheduledJobMetadata[] | undefined) ?? [];
    // Decorators apply bottom-up: prepend, so the list reads in source order.
    Reflect.defineMetadata(SCHEDULED_JOBS_METADATA, [{ trigger, options: { ...options } }, ...jobs], method);
    return descriptor;
  };
}
