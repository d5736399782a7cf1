import { ValidationError } from '../errors';
import { CalendarIntervalTrigger } from './calendar-interval-trigger';
import { CombiningTrigger } from './combining-trigger';
import { CronTrigger } from './cron/cron-trigger';
import { CrontabTrigger } from './cron/crontab-trigger';
import { DateTrigger } from './date-trigger';
import { IntervalTrigger } from './interval-trigger';
import type { RandomSource, TriggerOptions } from './jitter';
import type { Trigger, TriggerSpec } from './trigger';

export * from './trigger';
export type { RandomSource, TriggerOptions } from './jitter';
export { DateTrigger } from './date-trigger';
export { IntervalTrigger } from './interval-trigger';
export { CronTrigger } from './cron/cron-trigger';
export { CrontabTrigger } from './cron/crontab-trigger';
export { CalendarIntervalTrigger } from './calendar-interval-trigger';
export { CombiningTrigger } from './combining-trigger';
export { TriggerMaxIterationsError } from './trigger-errors';
export {
  TRIGGER_SHAPES,
  CRON_FIELD_KEYS,
  triggerKeys,
  type FieldShape,
  type TriggerShape,
} from './trigger-shape';
export { triggerSpecFromApscheduler, type ApschedulerTriggerCase } from './apscheduler-params';
export { previewFireTimes, triggerZone, type PreviewFire } from './preview';

/**
 * Builds a trigger from its JSON spec. Bad input throws ValidationError whose `field` is the
 * camelCase key inside the spec (`dayOfWeek`, `startDate`; `triggers[1].hour` inside and/or);
 * callers holding the spec under a key prefix it themselves (`trigger.dayOfWeek`).
 */
export function triggerFromJSON(spec: TriggerSpec, options: TriggerOptions = {}): Trigger {
  const trigger = buildTrigger(spec, options.random ?? Math.random);
  // A part that can never fire is fine inside an `or`; a trigger that as a whole never can is not.
  if (trigger.impossible) throw trigger.impossible;
  return trigger;
}

function buildTrigger(spec: TriggerSpec, random: RandomSource): Trigger {
  if (spec === null || typeof spec !== 'object')
    throw new ValidationError('type', 'a trigger must be an object');
  switch (spec.type) {
    case 'date':
      return new DateTrigger(spec);
    case 'interval':
      return new IntervalTrigger(spec, random);
    case 'cron':
      return spec.expr !== undefined
        ? new CrontabTrigger({ ...spec, expr: spec.expr }, random)
        : new CronTrigger(spec, random);
    case 'calendarinterval':
      return new CalendarIntervalTrigger(spec);
    case 'and':
    case 'or':
      return new CombiningTrigger(spec, (part) => buildTrigger(part, random), random);
    default:
      throw new ValidationError(
        'type',
        `unknown trigger type '${String((spec as { type?: unknown }).type)}'`,
      );
  }
}
