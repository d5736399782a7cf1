import { ValidationError } from '../errors';
import { applyJitter, type RandomSource } from './jitter';
import type { IntervalTriggerSpec, Trigger } from './trigger';
import { checkTriggerKeys } from './trigger-shape';
import { jitterSeconds, optionalNumber } from './validate';
import { checkDateOrder, parseTriggerDate, resolveZone } from './zone-time';

const UNIT_SECONDS = { weeks: 604_800, days: 86_400, hours: 3_600, minutes: 60, seconds: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const UNITS = Object.keys(UNIT_SECONDS) as Unit[];

/**
 * Fires every fixed span of elapsed time (24 h stays 24 real hours across DST), on a grid anchored
 * at `startDate` (APScheduler 3: the first fire is the first grid point at or after `now`). Without
 * a start date the first fire is `now + interval`, as APScheduler does when the job is added.
 */
export class IntervalTrigger implements Trigger {
  readonly type = 'interval';
  readonly intervalMs: number;
  readonly startDate?: Date;
  readonly endDate?: Date;
  private readonly jitter?: number;

  constructor(
    private readonly spec: IntervalTriggerSpec,
    private readonly random: RandomSource = Math.random,
  ) {
    checkTriggerKeys('interval', spec);
    const zone = resolveZone('timezone', spec.timezone);
    let seconds = 0;
    for (const unit of UNITS)
      seconds += (optionalNumber(unit, spec[unit], { min: 0 }) ?? 0) * UNIT_SECONDS[unit];
    this.intervalMs = Math.round(seconds * 1000);
    if (this.intervalMs <= 0) {
      throw new ValidationError(
        'seconds',
        'the interval (weeks + days + hours + minutes + seconds) must be positive',
      );
    }
    if (spec.startDate !== undefined) this.startDate = parseTriggerDate('startDate', spec.startDate, zone);
    if (spec.endDate !== undefined) this.endDate = parseTriggerDate('endDate', spec.endDate, zone);
    checkDateOrder(this.startDate, this.endDate);
    this.jitter = jitterSeconds(spec.jitter);
  }

  getNextFireTime(previous: Date | null, now: Date): Date | null {
    const next = this.nextOnGrid(previous, now);
    if (this.endDate && next > this.endDate.getTime()) return null;
    return applyJitter(new Date(next), this.jitter, this.random, this.endDate);
  }

  private nextOnGrid(previous: Date | null, now: Date): number {
    const iv = this.intervalMs;
    if (!this.startDate) return previous ? previous.getTime() + iv : now.getTime() + iv;
    const start = this.startDate.getTime();
    if (previous) {
      // Strictly after previous, on the grid (a jittered previous must not shift the grid).
      const prev = previous.getTime();
      return prev < start ? start : start + (Math.floor((prev - start) / iv) + 1) * iv;
    }
    const at = now.getTime();
    return at <= start ? start : start + Math.ceil((at - start) / iv) * iv;
  }

  toJSON(): IntervalTriggerSpec {
    const json: IntervalTriggerSpec = { type: 'interval' };
    for (const unit of UNITS) if (this.spec[unit] !== undefined) json[unit] = this.spec[unit];
    if (this.spec.startDate !== undefined) json.startDate = this.spec.startDate;
    if (this.spec.endDate !== undefined) json.endDate = this.spec.endDate;
    if (this.spec.timezone !== undefined) json.timezone = this.spec.timezone;
    if (this.jitter) json.jitter = this.jitter;
    return json;
  }
}
