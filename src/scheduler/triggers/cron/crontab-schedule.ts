import type { CronExpression } from 'cron-parser';

/**
 * The next wall-clock match of a crontab expression parsed by cron-parser, found without
 * cron-parser's iterator (which steps through luxon DateTimes, ~1 ms per answer). The matching
 * rules below replicate cron-parser 5.4's `#findSchedule` / `#matchDayOfMonth` exactly, quirks
 * included; test/unit/triggers/crontab-schedule.spec.ts checks them against cron-parser itself.
 * Wall-clock values are local date-times encoded as UTC milliseconds (see zone-time.ts).
 */

const DAY_MS = 86_400_000;
/** The Gregorian calendar repeats every 400 years: nothing within that horizon, nothing ever. */
const HORIZON_MONTHS = 400 * 12 + 12;

/** The parsed fields this file reads (cron-parser's CronFieldCollection). */
export type CrontabFields = CronExpression['fields'];

/** next[v] = the smallest accepted value >= v, or -1 (the table runs one past `max`). */
function nextTable(values: readonly unknown[], max: number): Int8Array {
  const table = new Int8Array(max + 2).fill(-1);
  for (const v of values) if (typeof v === 'number' && v >= 0 && v <= max) table[v] = v;
  for (let v = max; v >= 0; v--) if (table[v] < 0) table[v] = table[v + 1];
  return table;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A weekday bit mask (bit 0 = Sunday) of the numeric values; 7 never equals getDay(), as there. */
function weekdayBits(values: readonly unknown[]): number {
  let bits = 0;
  for (const v of values) if (typeof v === 'number' && v >= 0 && v < 7) bits |= 1 << v;
  return bits;
}

export class CrontabSchedule {
  private readonly seconds: Int8Array;
  private readonly minutes: Int8Array;
  private readonly hours: Int8Array;
  private readonly months: Int8Array;
  private readonly firstTime: number; // seconds of day of the earliest matching time
  /** Bit d-1 set when day-of-month d is listed. */
  private readonly domBits: number;
  private readonly domLast: boolean;
  private readonly domRestricted: boolean;
  private readonly dowBits: number;
  /** Weekdays whose last occurrence in the month matches (`5L`). */
  private readonly dowLastBits: number;
  private readonly dowRestricted: boolean;
  private readonly nth: number;
  private maskKey = -1;
  private mask = 0;

  /** Throws an Error (message for the user) for input cron-parser accepts but cannot evaluate. */
  constructor(fields: CrontabFields) {
    this.seconds = nextTable(fields.second.values, 59);
    this.minutes = nextTable(fields.minute.values, 59);
    this.hours = nextTable(fields.hour.values, 23);
    this.months = nextTable(fields.month.values, 12);
    this.firstTime = this.hours[0] * 3600 + this.minutes[0] * 60 + this.seconds[0];
    const dom = fields.dayOfMonth;
    let domBits = 0;
    for (const v of dom.values) if (typeof v === 'number' && v >= 1 && v <= 31) domBits |= 1 << (v - 1);
    this.domBits = domBits;
    this.domLast = dom.hasLastChar;
    this.domRestricted = !dom.isWildcard;
    const dow = fields.dayOfWeek;
    this.dowBits = weekdayBits(dow.values);
    let lastBits = 0;
    if (dow.hasLastChar) {
      // cron-parser reads the weekday of `5L` from its first character (so `15L` is Monday) and
      // throws on a bare `L` while evaluating, i.e. such an expression never yields a time.
      for (const v of dow.values) {
        const weekday = parseInt(String(v).charAt(0), 10) % 7;
        if (Number.isNaN(weekday)) throw new Error(`'L' in day-of-week needs a weekday before it (5L)`);
        lastBits |= 1 << weekday;
      }
    }
    this.dowLastBits = lastBits;
    this.dowRestricted = !dow.isWildcard;
    this.nth = dow.nthDay;
  }

  /** Bit d-1 set when day d of the month passes the day rules (cached for the last month asked). */
  private dayMask(year: number, month: number): number {
    const key = year * 16 + month;
    if (key === this.maskKey) return this.mask;
    const dim = daysInMonth(year, month);
    let weekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay(); // 0 = Sunday
    let mask = 0;
    for (let d = 1; d <= dim; d++, weekday = weekday === 6 ? 0 : weekday + 1) {
      const byDom = (this.domBits & (1 << (d - 1))) !== 0 || (this.domLast && d === dim);
      const byDow =
        (this.dowBits & (1 << weekday)) !== 0 || ((this.dowLastBits & (1 << weekday)) !== 0 && d > dim - 7);
      // Vixie's rule, as cron-parser words it: both restricted (not a bare * or ?) means either.
      const day =
        (this.domRestricted && this.dowRestricted && (byDom || byDow)) ||
        (byDom && !this.dowRestricted) ||
        (!this.domRestricted && this.dowRestricted && byDow);
      // `#n` then narrows whatever the day rule accepted to days 7n-6..7n, as cron-parser does.
      if (day && (this.nth <= 0 || Math.ceil(d / 7) === this.nth)) mask |= 1 << (d - 1);
    }
    this.maskKey = key;
    this.mask = mask;
    return mask;
  }

  /** Seconds of day of the first matching time >= `tod`, or -1 when none is left that day. */
  private timeAtOrAfter(tod: number): number {
    let h = Math.floor(tod / 3600);
    let mi = Math.floor(tod / 60) % 60;
    let s = tod % 60;
    for (;;) {
      const nh = this.hours[h];
      if (nh < 0) return -1;
      if (nh !== h) [h, mi, s] = [nh, 0, 0];
      const nmi = this.minutes[mi];
      if (nmi < 0) {
        [h, mi, s] = [h + 1, 0, 0];
        continue;
      }
      if (nmi !== mi) [mi, s] = [nmi, 0];
      const ns = this.seconds[s];
      if (ns < 0) {
        [mi, s] = [mi + 1, 0];
        continue;
      }
      return h * 3600 + mi * 60 + ns;
    }
  }

  /** The first matching wall-clock value >= `wall` (rounded up to a whole second), or null. */
  nextMatch(wall: number): number | null {
    const startDay = Math.floor(wall / DAY_MS);
    const t = new Date(startDay * DAY_MS);
    let y = t.getUTCFullYear();
    let mo = t.getUTCMonth() + 1;
    let d = t.getUTCDate();
    let tod = Math.ceil((wall - startDay * DAY_MS) / 1000); // may be 86400: no time left that day
    for (let i = 0; i < HORIZON_MONTHS; i++) {
      const nmo = this.months[mo];
      if (nmo < 0) {
        [y, mo, d, tod] = [y + 1, 1, 1, 0];
        continue;
      }
      if (nmo !== mo) [mo, d, tod] = [nmo, 1, 0];
      let days = this.dayMask(y, mo) & ~((1 << (d - 1)) - 1);
      while (days !== 0) {
        const day = 32 - Math.clz32(days & -days);
        const time = day === d ? (tod === 0 ? this.firstTime : this.timeAtOrAfter(tod)) : this.firstTime;
        if (time >= 0) return Date.UTC(y, mo - 1, day) + time * 1000;
        days &= days - 1; // the start day had no time left: the next matching day's first time
      }
      [mo, d, tod] = [mo + 1, 1, 0];
      if (mo > 12) [y, mo] = [y + 1, 1];
    }
    return null;
  }
}
