import type { IANAZone } from 'luxon';
import { ValidationError } from '../errors';
import type { CalendarIntervalTriggerSpec, Trigger } from './trigger';
import { checkTriggerKeys } from './trigger-shape';
import { optionalNumber } from './validate';
import { fromWall, parseTriggerDate, resolveZone, toWall } from './zone-time';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as days since 1970-01-01 (UTC arithmetic, no zone). */
type DayNumber = number;

function ymd(day: DayNumber): [number, number, number] {
  const d = new Date(day * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function dayNumber(year: number, month: number, day: number): DayNumber {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * APScheduler 4's CalendarIntervalTrigger: fires at `hour:minute:second` wall-clock time in
 * `timezone` on `startDate`, then every `years/months` (same day of the month) plus
 * `weeks/days` later. A date that does not exist (Feb 31) is skipped (`monthEnd: 'skip'`), or
 * moved to the month's last day without drifting (`'clamp'`: Jan 31, Feb 28, Mar 31).
 * DST: the project rule (a time in a gap fires shifted by the gap; APScheduler 4 skips that day).
 */
export class CalendarIntervalTrigger implements Trigger {
  readonly type = 'calendarinterval';
  private readonly zone: IANAZone;
  private readonly years: number;
  private readonly months: number;
  private readonly days: number;
  private readonly timeMs: number;
  private readonly startDay?: DayNumber;
  private readonly endDay?: DayNumber;
  private readonly clamp: boolean;

  constructor(private readonly spec: CalendarIntervalTriggerSpec) {
    checkTriggerKeys('calendarinterval', spec);
    this.zone = resolveZone('timezone', spec.timezone);
    const count = (field: 'years' | 'months' | 'weeks' | 'days') =>
      optionalNumber(field, spec[field], { min: 0, integer: true }) ?? 0;
    this.years = count('years');
    this.months = count('months');
    this.days = count('days') + 7 * count('weeks');
    if (this.years + this.months + this.days === 0) {
      throw new ValidationError('days', 'the interval (years, months, weeks, days) must be at least 1 day');
    }
    const clock = (field: 'hour' | 'minute' | 'second', max: number) => {
      const value = optionalNumber(field, spec[field], { min: 0, integer: true }) ?? 0;
      if (value > max) throw new ValidationError(field, `must be at most ${max}`);
      return value;
    };
    this.timeMs = ((clock('hour', 23) * 60 + clock('minute', 59)) * 60 + clock('second', 59)) * 1000;
    if (spec.monthEnd !== undefined && spec.monthEnd !== 'skip' && spec.monthEnd !== 'clamp') {
      throw new ValidationError('monthEnd', "must be 'skip' or 'clamp'");
    }
    this.clamp = spec.monthEnd === 'clamp';
    if (spec.startDate !== undefined) this.startDay = this.parseDay('startDate', spec.startDate);
    if (spec.endDate !== undefined) this.endDay = this.parseDay('endDate', spec.endDate);
    if (this.startDay !== undefined && this.endDay !== undefined && this.startDay > this.endDay) {
      throw new ValidationError('endDate', 'must not be before startDate');
    }
    if (this.clamp && this.startDay === undefined) {
      throw new ValidationError(
        'startDate',
        "is required with monthEnd 'clamp' (it fixes the day of the month)",
      );
    }
  }

  /** A date (`YYYY-MM-DD`), or a date-time whose local date in the zone is taken. */
  private parseDay(field: string, value: string): DayNumber {
    if (typeof value === 'string' && DATE_ONLY.test(value)) {
      const [y, m, d] = value.split('-').map(Number);
      if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
        throw new ValidationError(field, `'${value}' is not a valid date`);
      return dayNumber(y, m, d);
    }
    return this.localDay(parseTriggerDate(field, value, this.zone).getTime());
  }

  private localDay(instantMs: number): DayNumber {
    return Math.floor(toWall(this.zone, instantMs) / DAY_MS);
  }

  private fireAt(day: DayNumber): number {
    return fromWall(this.zone, day * DAY_MS + this.timeMs);
  }

  /** Skip mode: add years/months keeping the day (repeating past dates that don't exist), then days. */
  private step(day: DayNumber): DayNumber {
    if (this.years === 0 && this.months === 0) return day + this.days;
    const [y0, m0, d] = ymd(day);
    let year = y0;
    let month = m0;
    for (let i = 0; i < 48; i++) {
      month += this.months;
      year += this.years + Math.floor((month - 1) / 12);
      month = ((month - 1) % 12) + 1;
      if (d <= daysInMonth(year, month)) return dayNumber(year, month, d) + this.days;
    }
    return Number.POSITIVE_INFINITY; // a day that never recurs (unreachable for d <= 31)
  }

  /** Clamp mode: the k-th date, computed from the start so the day of the month never drifts. */
  private nthDay(k: number): DayNumber {
    const [y0, m0, d0] = ymd(this.startDay as DayNumber);
    const monthIndex = m0 - 1 + k * (this.months + 12 * this.years);
    const year = y0 + Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    return dayNumber(year, month, Math.min(d0, daysInMonth(year, month))) + k * this.days;
  }

  getNextFireTime(previous: Date | null, now: Date): Date | null {
    // Strictly after previous, or at/after now.
    const bound = previous ? previous.getTime() + 1 : now.getTime();
    const day = this.clamp ? this.nextClamped(bound) : this.nextSkipping(previous, bound);
    if (day === null || (this.endDay !== undefined && day > this.endDay)) return null;
    return new Date(this.fireAt(day));
  }

  private nextSkipping(previous: Date | null, bound: number): DayNumber | null {
    let day: DayNumber;
    if (previous && (this.startDay === undefined || this.localDay(previous.getTime()) >= this.startDay)) {
      day = this.step(this.localDay(previous.getTime()));
    } else {
      day = this.startDay ?? this.localDay(bound);
      if (this.years === 0 && this.months === 0) {
        // Plain day steps: jump close to the bound instead of walking there.
        const behind = this.localDay(bound) - 1 - day;
        if (behind > 0) day += Math.floor(behind / this.days) * this.days;
      }
    }
    while (this.fireAt(day) < bound) {
      if (this.endDay !== undefined && day > this.endDay) return null;
      day = this.step(day);
    }
    return day;
  }

  private nextClamped(bound: number): DayNumber | null {
    const start = this.startDay as DayNumber;
    const period = this.years * 365.2425 + this.months * 30.436875 + this.days;
    let k = Math.max(0, Math.floor((this.localDay(bound) - start) / period) - 2);
    while (this.fireAt(this.nthDay(k)) < bound) {
      if (this.endDay !== undefined && this.nthDay(k) > this.endDay) return null;
      k++;
    }
    return this.nthDay(k);
  }

  toJSON(): CalendarIntervalTriggerSpec {
    const json: CalendarIntervalTriggerSpec = { type: 'calendarinterval' };
    const keys = [
      'years',
      'months',
      'weeks',
      'days',
      'hour',
      'minute',
      'second',
      'startDate',
      'endDate',
      'timezone',
      'monthEnd',
    ] as const;
    for (const key of keys) if (this.spec[key] !== undefined) Object.assign(json, { [key]: this.spec[key] });
    return json;
  }
}
