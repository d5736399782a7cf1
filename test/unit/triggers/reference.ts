import { DateTime } from 'luxon';
import type { OracleCase } from './oracle';

/**
 * An independent, brute-force statement of the project's wall-clock rule, for checking the
 * engine where APScheduler's answers are not the project's (dst_edge cases). It shares no code
 * with src/: luxon converts each wall time, then a repeated time takes its earlier instant and a
 * skipped one luxon's forward shift by the gap. Slow on purpose: it enumerates candidates.
 */

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const sameWall = (dt: DateTime, w: Wall) =>
  dt.year === w.year &&
  dt.month === w.month &&
  dt.day === w.day &&
  dt.hour === w.hour &&
  dt.minute === w.minute &&
  dt.second === w.second;

/** The project's DST rule, stated with luxon: earliest instant of a repeated time, gap shifted forward. */
function ruleInstant(w: Wall, zone: string): number {
  const dt = DateTime.fromObject(w, { zone });
  if (!sameWall(dt, w)) return dt.toMillis(); // luxon moves a skipped time forward by the gap
  for (const minutes of [120, 90, 60, 30]) {
    const earlier = dt.minus({ minutes });
    if (sameWall(earlier, w)) return earlier.toMillis();
  }
  return dt.toMillis();
}

// ---- APScheduler cron fields, re-stated simply -------------------------------------------------

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ORDER = ['year', 'month', 'day', 'week', 'day_of_week', 'hour', 'minute', 'second'] as const;
type Field = (typeof ORDER)[number];
const MIN: Record<Field, number> = {
  year: 1970,
  month: 1,
  day: 1,
  week: 1,
  day_of_week: 0,
  hour: 0,
  minute: 0,
  second: 0,
};
const MAX: Record<Field, number> = {
  year: 9999,
  month: 12,
  day: 31,
  week: 53,
  day_of_week: 6,
  hour: 23,
  minute: 59,
  second: 59,
};
const DEFAULT: Record<Field, string> = {
  year: '*',
  month: '1',
  day: '1',
  week: '*',
  day_of_week: '*',
  hour: '0',
  minute: '0',
  second: '0',
};

/** Does `value` of `field` on date `dt` satisfy expression `expr`? */
function partMatches(field: Field, part: string, value: number, dt: DateTime): boolean {
  const name = (n: string) => (field === 'month' ? MONTHS.indexOf(n) + 1 : WEEKDAYS.indexOf(n));
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : name(s));
  if (part === 'last') return value === dt.daysInMonth;
  const pos = /^(1st|2nd|3rd|4th|5th|last) (\w+)$/.exec(part);
  if (pos) {
    const weekday = WEEKDAYS.indexOf(pos[2]);
    const hits: number[] = [];
    for (let d = 1; d <= (dt.daysInMonth as number); d++)
      if (dt.set({ day: d }).weekday - 1 === weekday) hits.push(d);
    const target = pos[1] === 'last' ? hits[hits.length - 1] : hits[Number(pos[1][0]) - 1];
    return value === target;
  }
  const [range, stepText] = part.split('/');
  const step = stepText ? Number(stepText) : 1;
  let first: number;
  let last: number;
  if (range === '*') [first, last] = [MIN[field], MAX[field]];
  else if (range.includes('-')) [first, last] = range.split('-').map(num) as [number, number];
  else [first, last] = [num(range), stepText ? MAX[field] : num(range)];
  return value >= first && value <= last && (value - first) % step === 0;
}

function fieldValue(field: Field, dt: DateTime): number {
  switch (field) {
    case 'week':
      return dt.weekNumber;
    case 'day_of_week':
      return dt.weekday - 1;
    default:
      return dt[field];
  }
}

export type CronParams = Partial<Record<Field, string | number>>;

/** Fills fields APScheduler's way: below the smallest given → minimum, above → '*'. */
function expandFields(params: CronParams): Record<Field, string> {
  const lastGiven = ORDER.reduce((acc, f, i) => (params[f] !== undefined ? i : acc), -1);
  const out = {} as Record<Field, string>;
  ORDER.forEach((f, i) => {
    out[f] = String(params[f] ?? (lastGiven >= 0 && i > lastGiven ? DEFAULT[f] : '*')).toLowerCase();
  });
  return out;
}

function matches(fields: Record<Field, string>, field: Field, dt: DateTime): boolean {
  // (every field of `fields` is tested on the wall-clock date-time `dt`)
  return fields[field].split(',').some((p) => partMatches(field, p.trim(), fieldValue(field, dt), dt));
}

/** The oracle's crontab strings as APScheduler fields (they use names for weekdays, never numbers). */
export function crontabAsFields(expr: string): CronParams {
  const [minute, hour, day, month, dow] = expr.trim().split(/\s+/);
  if (/\d/.test(dow))
    throw new Error(`reference: numeric day-of-week in '${expr}' would differ from crontab`);
  return { minute, hour, day, month, day_of_week: dow };
}

/** The first `count` fires at or after `startMs` (and not after `endMs`) under the project rule. */
export function referenceCronFires(
  params: CronParams,
  zone: string,
  startMs: number,
  count: number,
  endMs = Infinity,
): number[] {
  const fields = expandFields(params);
  const values = (field: Field) =>
    Array.from({ length: MAX[field] + 1 }, (_, v) => v).filter((v) =>
      fields[field].split(',').some((p) => partMatches(field, p.trim(), v, DateTime.utc())),
    );
  const [hours, minutes, seconds] = [values('hour'), values('minute'), values('second')];
  const fires = new Set<number>();
  let day = DateTime.fromMillis(startMs, { zone }).startOf('day').minus({ days: 1 });
  for (let i = 0; i < 12 * 366 && day.year <= 9999; i++, day = day.plus({ days: 1 })) {
    // Past the end date (a gap shift reaches at most into the next day): nothing more can count.
    if (day.toMillis() > endMs + 86_400_000) break;
    const probe = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: 12 }, { zone });
    if (!(['year', 'month', 'day', 'week', 'day_of_week'] as const).every((f) => matches(fields, f, probe)))
      continue;
    // A day without an offset change needs no per-time conversion.
    // (A day whose midnight is skipped starts later than 00:00 and is never steady.)
    const steady =
      day.hour === 0 &&
      day.minute === 0 &&
      day.offset === day.plus({ days: 1 }).offset &&
      day.offset === probe.offset;
    for (const hour of hours)
      for (const minute of minutes)
        for (const second of seconds) {
          const wall = { year: day.year, month: day.month, day: day.day, hour, minute, second };
          const at = steady
            ? Date.UTC(day.year, day.month - 1, day.day, hour, minute, second) - day.offset * 60_000
            : ruleInstant(wall, zone);
          if (at >= startMs && at <= endMs) fires.add(at);
        }
    const sorted = [...fires].sort((a, b) => a - b);
    // Stop a day after the count is reached: a gap shift can only reach into the next day.
    if (sorted.length >= count && sorted[count - 1] < day.startOf('day').toMillis())
      return sorted.slice(0, count);
  }
  return [...fires].sort((a, b) => a - b).slice(0, count);
}

/** APScheduler 4's calendar interval dates, with the project rule for the wall time. */
function referenceCalendarFires(p: Record<string, number | string>, zone: string, count: number): number[] {
  const num = (k: string) => Number(p[k] ?? 0);
  let date = DateTime.fromISO(String(p.start_date), { zone: 'UTC' });
  const end = p.end_date ? DateTime.fromISO(String(p.end_date), { zone: 'UTC' }) : null;
  const fires: number[] = [];
  while (fires.length < count && (!end || date <= end)) {
    fires.push(
      ruleInstant(
        {
          year: date.year,
          month: date.month,
          day: date.day,
          hour: num('hour'),
          minute: num('minute'),
          second: num('second'),
        },
        zone,
      ),
    );
    let [year, month] = [date.year, date.month];
    for (;;) {
      month += num('months');
      year += num('years') + Math.floor((month - 1) / 12);
      month = ((month - 1) % 12) + 1;
      const candidate = DateTime.fromObject({ year, month, day: date.day }, { zone: 'UTC' });
      if (candidate.isValid && candidate.day === date.day) {
        date = candidate.plus({ days: num('days') + 7 * num('weeks') });
        break;
      }
    }
  }
  return fires;
}

/** Naive 'YYYY-MM-DD HH:mm:ss' in `zone` under the project rule. */
function naiveInstant(text: string, zone: string): number {
  const dt = DateTime.fromSQL(text, { zone: 'UTC' });
  return ruleInstant(
    { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second },
    zone,
  );
}

/** The rule's answer for an oracle case, or null when the reference does not cover its type. */
export function referenceFires(c: OracleCase): string[] | null {
  const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
  if (c.trigger === 'calendarinterval')
    return iso(referenceCalendarFires(c.params as Record<string, number>, c.timezone, 8));
  if (c.trigger !== 'cron' && c.trigger !== 'crontab') return null;
  const params =
    c.trigger === 'crontab'
      ? crontabAsFields(String(c.params.expr))
      : (c.params as CronParams & Record<string, string>);
  const raw = c.params as Record<string, string>;
  let start = new Date(c.now as string).getTime();
  if (raw.start_date) start = Math.max(start, naiveInstant(raw.start_date, c.timezone));
  const end = raw.end_date ? naiveInstant(raw.end_date, c.timezone) : Infinity;
  const fieldsOnly = Object.fromEntries(
    Object.entries(params).filter(([k]) => (ORDER as readonly string[]).includes(k)),
  );
  return iso(referenceCronFires(fieldsOnly, c.timezone, start, 8, end));
}

/** Does the wall-clock time `dt` (in its zone) satisfy every APScheduler cron field? */
export function wallMatchesFields(params: CronParams, dt: DateTime): boolean {
  const fields = expandFields(params);
  return ORDER.every((f) => matches(fields, f, dt));
}
