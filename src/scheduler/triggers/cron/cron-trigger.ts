import { ValidationError } from '../../errors';
import { applyJitter, type RandomSource } from '../jitter';
import type { CronTriggerSpec, Trigger } from '../trigger';
import { checkTriggerKeys } from '../trigger-shape';
import { jitterSeconds } from '../validate';
import { checkDateOrder, firstFireAtOrAfter, parseTriggerDate, resolveZone } from '../zone-time';
import type { IANAZone } from 'luxon';
import { FIELD_MIN, parseField, type CronFieldName } from './cron-expressions';
import { CronSchedule, type CronFields } from './cron-schedule';

/** APScheduler's field order, largest first, and the defaults for fields below the smallest given. */
const FIELD_NAMES: CronFieldName[] = [
  'year',
  'month',
  'day',
  'week',
  'dayOfWeek',
  'hour',
  'minute',
  'second',
];
const DEFAULTS: Record<CronFieldName, string> = {
  year: '*',
  month: '1',
  day: '1',
  week: '*',
  dayOfWeek: '*',
  hour: '0',
  minute: '0',
  second: '0',
};

/**
 * APScheduler 3's CronTrigger: fires at every wall-clock time in `timezone` matching all fields,
 * at or after `startDate`, up to `endDate`. DST: a skipped wall time fires shifted by the gap,
 * a repeated one once, at its earlier instant (fromWall).
 */
export class CronTrigger implements Trigger {
  readonly type = 'cron';
  private readonly zone: IANAZone;
  private readonly schedule: CronSchedule;
  private readonly given: Partial<Record<CronFieldName, string | number>> = {};
  private readonly startDate?: Date;
  private readonly endDate?: Date;
  private readonly jitter?: number;
  readonly impossible: ValidationError | null = null;

  constructor(
    private readonly spec: CronTriggerSpec,
    private readonly random: RandomSource = Math.random,
  ) {
    checkTriggerKeys('cron', spec);
    this.zone = resolveZone('timezone', spec.timezone);
    const fields = {} as CronFields;
    const lastGiven = FIELD_NAMES.reduce(
      (last, name, i) => (spec[name] !== undefined && spec[name] !== null ? i : last),
      -1,
    );
    FIELD_NAMES.forEach((name, i) => {
      const value = spec[name];
      if (value !== undefined && value !== null) this.given[name] = value;
      fields[name] = parseField(name, value ?? (i > lastGiven && lastGiven >= 0 ? DEFAULTS[name] : '*'));
    });
    this.schedule = new CronSchedule(fields);
    if (spec.startDate !== undefined)
      this.startDate = parseTriggerDate('startDate', spec.startDate, this.zone);
    if (spec.endDate !== undefined) this.endDate = parseTriggerDate('endDate', spec.endDate, this.zone);
    checkDateOrder(this.startDate, this.endDate);
    this.jitter = jitterSeconds(spec.jitter);
    if (this.schedule.nextMatch(Date.UTC(FIELD_MIN.year, 0, 1)) === null) {
      const culprit =
        (['day', 'week', 'dayOfWeek', 'month', 'year'] as const).find((f) => f in this.given) ?? 'day';
      this.impossible = new ValidationError(
        culprit,
        'the fields never match any date, so the trigger could never fire',
      );
    }
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
    const json: CronTriggerSpec = { type: 'cron', ...this.given };
    if (this.spec.startDate !== undefined) json.startDate = this.spec.startDate;
    if (this.spec.endDate !== undefined) json.endDate = this.spec.endDate;
    if (this.spec.timezone !== undefined) json.timezone = this.spec.timezone;
    if (this.jitter) json.jitter = this.jitter;
    return json;
  }
}
