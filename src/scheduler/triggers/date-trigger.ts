import type { DateTriggerSpec, Trigger } from './trigger';
import { checkTriggerKeys } from './trigger-shape';
import { parseTriggerDate, resolveZone } from './zone-time';

/**
 * Fires once at `runDate`. Like APScheduler, the first call returns `runDate` even when it is
 * already past, so a one-shot added late still runs (the scheduler's misfire policy decides).
 */
export class DateTrigger implements Trigger {
  readonly type = 'date';
  readonly runDate: Date;

  constructor(private readonly spec: DateTriggerSpec) {
    checkTriggerKeys('date', spec);
    const zone = resolveZone('timezone', spec.timezone);
    this.runDate = parseTriggerDate('runDate', spec.runDate, zone);
  }

  getNextFireTime(previous: Date | null): Date | null {
    return previous === null ? new Date(this.runDate.getTime()) : null;
  }

  toJSON(): DateTriggerSpec {
    const json: DateTriggerSpec = { type: 'date', runDate: this.spec.runDate };
    if (this.spec.timezone !== undefined) json.timezone = this.spec.timezone;
    return json;
  }
}
