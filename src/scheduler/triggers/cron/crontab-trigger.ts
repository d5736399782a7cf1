import { CronExpressionParser } from 'cron-parser';
import type { IANAZone } from 'luxon';
import { ValidationError } from '../../errors';
import { applyJitter, type RandomSource } from '../jitter';
import type { CronTriggerSpec, Trigger } from '../trigger';
import { checkTriggerKeys } from '../trigger-shape';
import { jitterSeconds } from '../validate';
import { checkDateOrder, firstFireAtOrAfter, parseTriggerDate, resolveZone } from '../zone-time';
import { CrontabSchedule } from './crontab-schedule';

const FIELD_KEYS = ['year', 'month', 'day', 'week', 'dayOfWeek', 'hour', 'minute', 'second'] as const;

/**
 * A cron trigger given as a crontab string (`expr`, 5 fields, or 6 with seconds first), read by
 * cron-parser with standard crontab meaning: day-of-week 0 = Sunday, day-of-month and day-of-week
 * both restricted means either, `L` and `#`. cron-parser only parses; CrontabSchedule finds the
 * matching wall-clock times with cron-parser's rules (its own iterator costs ~1 ms per answer),
 * and the zone and the project's DST rule are applied around that, as for every wall-clock
 * trigger (cron-parser's own zone handling skips or misplaces fires near DST changes).
 */
export class CrontabTrigger implements Trigger {
  readonly type = 'cron';
  private readonly zone: IANAZone;
  private readonly schedule: CrontabSchedule;
  private readonly startDate?: Date;
  private readonly endDate?: Date;
  private readonly jitter?: number;
  readonly impossible: ValidationError | null = null;

  constructor(
    private readonly spec: CronTriggerSpec & { expr: string },
    private readonly random: RandomSource = Math.random,
  ) {
    checkTriggerKeys('cron', spec);
    this.zone = resolveZone('timezone', spec.timezone);
    const expr = spec.expr;
    if (typeof expr !== 'string') throw new ValidationError('expr', 'must be a crontab string');
    const mixed = FIELD_KEYS.find((key) => spec[key] !== undefined);
    if (mixed) throw new ValidationError(mixed, 'cannot be combined with expr');
    const fieldCount = expr.trim().split(/\s+/).length;
    if (!expr.trim().startsWith('@') && (fieldCount < 5 || fieldCount > 6)) {
      throw new ValidationError('expr', `expected 5 or 6 fields, got ${fieldCount}`);
    }
    // cron-parser reads H as a hashed (pseudo-random) value: not a schedule anyone can read back.
    if (/(?<![a-z])h(?![a-z])/i.test(expr))
      throw new ValidationError('expr', "'H' (hashed values) is not supported");
    try {
      // A fixed current date: without one cron-parser reads the clock through luxon (slower).
      const parsed = CronExpressionParser.parse(expr, { currentDate: new Date(0), tz: 'UTC', strict: false });
      this.schedule = new CrontabSchedule(parsed.fields);
    } catch (error) {
      throw new ValidationError('expr', error instanceof Error ? error.message : String(error));
    }
    if (spec.startDate !== undefined)
      this.startDate = parseTriggerDate('startDate', spec.startDate, this.zone);
    if (spec.endDate !== undefined) this.endDate = parseTriggerDate('endDate', spec.endDate, this.zone);
    checkDateOrder(this.startDate, this.endDate);
    this.jitter = jitterSeconds(spec.jitter);
    if (this.schedule.nextMatch(0) === null)
      this.impossible = new ValidationError('expr', 'the expression never matches any date');
  }

  getNextFireTime(previous: Date | null, now: Date): Date | null {
    if (this.impossible) return null;
    let start = previous ? previous.getTime() + 1 : now.getTime();
    if (!previous && this.startDate) start = Math.max(start, this.startDate.getTime());
    const next = firstFireAtOrAfter(this.zone, start, (wall) => this.schedule.nextMatch(wall));
    if (next === null || (this.endDate && next > this.endDate.getTime())) return null;
    return applyJitter(new Date(next), this.jitter, this.random, this.endDate);
  }

  toJSON(): CronTriggerSpec {
    const json: CronTriggerSpec = { type: 'cron', expr: this.spec.expr };
    if (this.spec.startDate !== undefined) json.startDate = this.spec.startDate;
    if (this.spec.endDate !== undefined) json.endDate = this.spec.endDate;
    if (this.spec.timezone !== undefined) json.timezone = this.spec.timezone;
    if (this.jitter) json.jitter = this.jitter;
    return json;
  }
}
