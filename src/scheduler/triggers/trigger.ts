import type { ValidationError } from '../errors';

/**
 * The Trigger port. A trigger is pure: given where it stands, it says when to fire next.
 * Every trigger round-trips through plain JSON (`toJSON` / `triggerFromJSON`), so jobs are
 * stored as data, never as code.
 */
export interface Trigger {
  readonly type: TriggerType;

  /**
   * The next fire time, or null when the trigger will never fire again.
   * - `previous` null: the first fire time at or after `now` (and not before the start date).
   * - `previous` given: the first fire time strictly after `previous` (`now` is then only a hint).
   * Jitter, when configured, is applied to the returned time (never before `previous`).
   */
  getNextFireTime(previous: Date | null, now: Date): Date | null;

  /** The JSON form, camelCase, the same shape `triggerFromJSON` accepts. */
  toJSON(): TriggerSpec;

  /**
   * Why this trigger can never fire whatever the time (cron fields that match no date), or
   * null. Not an error by itself: an `or` may hold such a part; a whole trigger may not.
   */
  readonly impossible?: ValidationError | null;
}

export type TriggerType = 'date' | 'interval' | 'cron' | 'calendarinterval' | 'and' | 'or';

/** JSON shapes (camelCase, APScheduler's names). Date strings are ISO with offset or 'YYYY-MM-DD HH:mm:ss' in `timezone`. */
export interface DateTriggerSpec {
  type: 'date';
  runDate: string;
  timezone?: string;
}

export interface IntervalTriggerSpec {
  type: 'interval';
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  startDate?: string;
  endDate?: string;
  timezone?: string;
  jitter?: number;
}

/** Either APScheduler fields, or `expr` (a 5- or 6-field crontab string read by cron-parser). */
export interface CronTriggerSpec {
  type: 'cron';
  expr?: string;
  year?: string | number;
  month?: string | number;
  day?: string | number;
  week?: string | number;
  dayOfWeek?: string | number;
  hour?: string | number;
  minute?: string | number;
  second?: string | number;
  startDate?: string;
  endDate?: string;
  timezone?: string;
  jitter?: number;
}

export interface CalendarIntervalTriggerSpec {
  type: 'calendarinterval';
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hour?: number;
  minute?: number;
  second?: number;
  startDate?: string;
  endDate?: string;
  timezone?: string;
  /** 'skip' (default, APScheduler 4): a date that does not exist is skipped. 'clamp': last day of the month. */
  monthEnd?: 'skip' | 'clamp';
}

export interface CombiningTriggerSpec {
  type: 'and' | 'or';
  triggers: TriggerSpec[];
  jitter?: number;
}

export type TriggerSpec =
  | DateTriggerSpec
  | IntervalTriggerSpec
  | CronTriggerSpec
  | CalendarIntervalTriggerSpec
  | CombiningTriggerSpec;
