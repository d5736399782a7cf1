import { FIELD_MAX, FIELD_MIN, rangeAccepts, type CronExpr, type CronFieldName } from './cron-expressions';

/**
 * The compiled fields of an APScheduler cron trigger and the search for the next wall-clock time
 * that matches them all. Wall-clock values are local date-times encoded as UTC milliseconds
 * (see zone-time.ts), so this file knows nothing about zones.
 */

const DAY_MS = 86_400_000;

export type CronFields = Record<CronFieldName, CronExpr[]>;

/** next[v] = the smallest accepted value >= v, or -1. */
function nextTable(exprs: CronExpr[], min: number, max: number): Int16Array {
  const table = new Int16Array(max + 2).fill(-1);
  for (let v = max; v >= min; v--) table[v] = rangeAccepts(exprs, v) ? v : table[v + 1];
  return table;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 week number of a date (1-53): the week holding the year's first Thursday is week 1. */
function isoWeek(year: number, month: number, day: number): number {
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // 0 = Monday
  const thursday = date + (3 - weekday) * DAY_MS;
  const jan1 = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday - jan1) / (7 * DAY_MS));
}

export class CronSchedule {
  private readonly years: CronExpr[];
  private readonly months: Int16Array;
  private readonly dayExprs: CronExpr[];
  private readonly weeks: boolean[];
  private readonly weekdays: boolean[];
  private readonly hours: Int16Array;
  private readonly minutes: Int16Array;
  private readonly seconds: Int16Array;
  private readonly anyWeek: boolean;
  private maskKey = -1;
  private mask = 0;
  /** y % 400 of years scanned from Jan 1 without a match: the calendar repeats every 400 years. */
  private readonly barrenYears = new Set<number>();

  constructor(fields: CronFields) {
    this.years = fields.year;
    this.months = nextTable(fields.month, 1, 12);
    this.dayExprs = fields.day;
    this.weeks = Array.from({ length: 54 }, (_, w) => rangeAccepts(fields.week, w));
    this.weekdays = Array.from({ length: 7 }, (_, d) => rangeAccepts(fields.dayOfWeek, d));
    this.hours = nextTable(fields.hour, 0, 23);
    this.minutes = nextTable(fields.minute, 0, 59);
    this.seconds = nextTable(fields.second, 0, 59);
    this.anyWeek = this.weeks.slice(1).every(Boolean);
  }

  /** The first year >= `year` the year field accepts, or -1. */
  private nextYear(year: number): number {
    let best = -1;
    for (const e of this.years) {
      if (e.kind !== 'range' || year > e.last) continue;
      const from = Math.max(year, e.first);
      const v = from + ((e.step - ((from - e.first) % e.step)) % e.step);
      if (v <= e.last && (best < 0 || v < best)) best = v;
    }
    return best;
  }

  /** Bit d set when day d of the month passes the day field (cached for the last month asked). */
  private dayMask(year: number, month: number, dim: number): number {
    const key = year * 16 + month;
    if (key === this.maskKey) return this.mask;
    let mask = 0;
    const firstWeekday = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
    for (const e of this.dayExprs) {
      if (e.kind === 'range') {
        for (let d = e.first; d <= Math.min(e.last, dim); d += e.step) mask |= 1 << d;
      } else if (e.kind === 'lastDay') {
        mask |= 1 << dim;
      } else {
        let first = e.weekday - firstWeekday + 1;
        if (first <= 0) first += 7;
        const target = e.position < 5 ? first + e.position * 7 : first + Math.floor((dim - first) / 7) * 7;
        if (target <= dim) mask |= 1 << target;
      }
    }
    this.maskKey = key;
    this.mask = mask;
    return mask;
  }

  /** The first day >= `day` in the month passing day, week and day-of-week fields, or -1. */
  private nextDay(year: number, month: number, day: number): number {
    const dim = daysInMonth(year, month);
    const mask = this.dayMask(year, month, dim);
    let weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
    for (let d = day; d <= dim; d++, weekday = (weekday + 1) % 7) {
      if ((mask & (1 << d)) === 0 || !this.weekdays[weekday]) continue;
      if (this.anyWeek || this.weeks[isoWeek(year, month, d)]) return d;
    }
    return -1;
  }

  /** The first wall-clock value >= `wall` (whole seconds) matching every field, or null. */
  nextMatch(wall: number): number | null {
    const t = new Date(wall);
    let y = t.getUTCFullYear();
    let mo = t.getUTCMonth() + 1;
    let d = t.getUTCDate();
    let h = t.getUTCHours();
    let mi = t.getUTCMinutes();
    let s = t.getUTCSeconds();
    let scanning = -1; // the year being scanned, when its scan began on Jan 1 00:00:00
    // Each branch either returns or moves the cursor forward and resets the smaller units.
    for (;;) {
      if (y > FIELD_MAX.year) return null;
      const ny = this.nextYear(Math.max(y, FIELD_MIN.year));
      if (ny < 0) return null;
      if (ny !== y) [y, mo, d, h, mi, s] = [ny, 1, 1, 0, 0, 0];
      if (y !== scanning) {
        // Leaving a fully scanned year means nothing in it matched; its calendar twins won't either.
        if (scanning >= 0) this.barrenYears.add(scanning % 400);
        const fresh = mo === 1 && d === 1 && h === 0 && mi === 0 && s === 0;
        if (fresh && this.barrenYears.has(y % 400)) {
          [y, mo, d, h, mi, s] = [y + 1, 1, 1, 0, 0, 0];
          continue;
        }
        scanning = fresh ? y : -1;
      }
      const nmo = this.months[mo];
      if (nmo < 0) {
        [y, mo, d, h, mi, s] = [y + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (nmo !== mo) [mo, d, h, mi, s] = [nmo, 1, 0, 0, 0];
      const nd = this.nextDay(y, mo, d);
      if (nd < 0) {
        [mo, d, h, mi, s] = [mo + 1, 1, 0, 0, 0];
        if (mo > 12) [y, mo] = [y + 1, 1];
        continue;
      }
      if (nd !== d) [d, h, mi, s] = [nd, 0, 0, 0];
      const nh = this.hours[h];
      if (nh < 0) {
        [y, mo, d] = this.dayAfter(y, mo, d);
        [h, mi, s] = [0, 0, 0];
        continue;
      }
      if (nh !== h) [h, mi, s] = [nh, 0, 0];
      const nmi = this.minutes[mi];
      if (nmi < 0) {
        [h, mi, s] = [h + 1, 0, 0];
        if (h > 23) [[y, mo, d], h] = [this.dayAfter(y, mo, d), 0];
        continue;
      }
      if (nmi !== mi) [mi, s] = [nmi, 0];
      const ns = this.seconds[s];
      if (ns < 0) {
        [mi, s] = [mi + 1, 0];
        if (mi > 59) [h, mi] = [h + 1, 0];
        if (h > 23) [[y, mo, d], h] = [this.dayAfter(y, mo, d), 0];
        continue;
      }
      return Date.UTC(y, mo - 1, d, h, mi, ns);
    }
  }

  private dayAfter(y: number, mo: number, d: number): [number, number, number] {
    if (d < daysInMonth(y, mo)) return [y, mo, d + 1];
    return mo < 12 ? [y, mo + 1, 1] : [y + 1, 1, 1];
  }
}
