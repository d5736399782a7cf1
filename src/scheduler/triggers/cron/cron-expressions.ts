import { ValidationError } from '../../errors';

/**
 * APScheduler's cron field expressions (`*`, `*\/n`, `a-b`, `a-b/n`, `a/n`, names, `xth y`,
 * `last x`, `last`), parsed into value tests. A field's value matches when any of its
 * comma-separated expressions accepts it, which is what APScheduler's search converges on.
 */

export type CronFieldName = 'year' | 'month' | 'day' | 'week' | 'dayOfWeek' | 'hour' | 'minute' | 'second';

export const FIELD_MIN: Record<CronFieldName, number> = {
  year: 1970,
  month: 1,
  day: 1,
  week: 1,
  dayOfWeek: 0,
  hour: 0,
  minute: 0,
  second: 0,
};

export const FIELD_MAX: Record<CronFieldName, number> = {
  year: 9999,
  month: 12,
  day: 31,
  week: 53,
  dayOfWeek: 6,
  hour: 23,
  minute: 59,
  second: 59,
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const POSITIONS = ['1st', '2nd', '3rd', '4th', '5th', 'last'];

/** A plain arithmetic progression: first..last step `step`. */
export interface RangeExpr {
  kind: 'range';
  first: number;
  last: number;
  step: number;
}

/** Day-of-month only: the nth (0-4) or last (5) given weekday of the month. */
export interface WeekdayPositionExpr {
  kind: 'position';
  position: number;
  weekday: number;
}

/** Day-of-month only: the last day of the month. */
export interface LastDayExpr {
  kind: 'lastDay';
}

export type CronExpr = RangeExpr | WeekdayPositionExpr | LastDayExpr;

const ALL = /^\*(?:\/(\d+))?$/;
const RANGE = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/;
const NAME_RANGE = /^([a-z]+)(?:-([a-z]+))?$/;
const POSITION = /^(1st|2nd|3rd|4th|5th|last) +([a-z]+)$/;

function nameIndex(field: CronFieldName, names: string[], name: string, offset: number): number {
  const index = names.indexOf(name);
  if (index < 0)
    throw new ValidationError(field, `invalid ${field === 'month' ? 'month' : 'weekday'} name '${name}'`);
  return index + offset;
}

function parseStep(field: CronFieldName, raw: string | undefined): number {
  if (raw === undefined) return 1;
  const step = Number(raw);
  if (step === 0) throw new ValidationError(field, 'step must be higher than 0');
  return step;
}

/** Parses one comma-separated part of a field, validating it against the field's range. */
function parseOne(field: CronFieldName, text: string): CronExpr {
  const min = FIELD_MIN[field];
  const max = FIELD_MAX[field];
  let m = ALL.exec(text);
  if (m) {
    const step = parseStep(field, m[1]);
    if (m[1] !== undefined && step > max - min) {
      throw new ValidationError(field, `step ${step} is larger than the field's range (${max - min})`);
    }
    return { kind: 'range', first: min, last: max, step };
  }
  m = RANGE.exec(text);
  if (m) {
    const first = Number(m[1]);
    const step = parseStep(field, m[3]);
    // APScheduler: a bare number is that value; `a/n` runs from a to the field maximum.
    const last = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? max : first;
    if (first < min) throw new ValidationError(field, `value ${first} is lower than the minimum ${min}`);
    if (last > max) throw new ValidationError(field, `value ${last} is higher than the maximum ${max}`);
    if (first > last)
      throw new ValidationError(field, `range ${text}: the first value is higher than the last`);
    if (m[3] !== undefined && step > last - first) {
      throw new ValidationError(field, `step ${step} is larger than the range ${first}-${last}`);
    }
    return { kind: 'range', first, last, step };
  }
  if (field === 'day') {
    m = POSITION.exec(text);
    if (m)
      return {
        kind: 'position',
        position: POSITIONS.indexOf(m[1]),
        weekday: nameIndex('day', WEEKDAYS, m[2], 0),
      };
    if (text === 'last') return { kind: 'lastDay' };
  }
  if (field === 'month' || field === 'dayOfWeek') {
    m = NAME_RANGE.exec(text);
    if (m) {
      const names = field === 'month' ? MONTHS : WEEKDAYS;
      const offset = field === 'month' ? 1 : 0;
      const first = nameIndex(field, names, m[1], offset);
      const last = m[2] !== undefined ? nameIndex(field, names, m[2], offset) : first;
      if (first > last) throw new ValidationError(field, `range ${text}: the first value is after the last`);
      return { kind: 'range', first, last, step: 1 };
    }
  }
  throw new ValidationError(field, `unrecognized expression '${text}'`);
}

/** Parses a whole field value (number or string, comma-separated list). */
export function parseField(field: CronFieldName, value: string | number): CronExpr[] {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new ValidationError(field, 'must be an integer or a cron expression');
    value = String(value);
  }
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string or a number');
  const text = value.trim().toLowerCase();
  if (text === '') throw new ValidationError(field, 'must not be empty');
  return text.split(/ *, */).map((part) => parseOne(field, part));
}

/** Does a plain-range expression list accept `value`? (Position/last are handled per month.) */
export function rangeAccepts(exprs: CronExpr[], value: number): boolean {
  for (const e of exprs) {
    if (e.kind === 'range' && value >= e.first && value <= e.last && (value - e.first) % e.step === 0)
      return true;
  }
  return false;
}
