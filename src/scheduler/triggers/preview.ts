import { DateTime } from 'luxon';
import type { Trigger, TriggerSpec } from './trigger';

/** One previewed fire: the instant in UTC, and the same instant in the trigger's zone. */
export interface PreviewFire {
  /** ISO 8601 UTC with milliseconds, e.g. 2022-06-17T00:00:00.000Z */
  utc: string;
  /** ISO 8601 local time with offset in the zone, e.g. 2022-06-17T02:00:00.000+02:00 */
  local: string;
  /** The UTC offset in force then, e.g. +02:00 */
  offset: string;
}

/** The zone a trigger reads wall-clock time in (and/or: their first part's; default UTC). */
export function triggerZone(spec: TriggerSpec): string {
  if (spec.type === 'and' || spec.type === 'or')
    return spec.triggers.length > 0 ? triggerZone(spec.triggers[0]) : 'UTC';
  return ('timezone' in spec ? spec.timezone : undefined) ?? 'UTC';
}

/**
 * The next `count` fire times from `now`, asked the way the scheduler asks (each after the
 * previous fire), for the CLI and the REST preview. Fewer when the trigger runs out.
 */
export function previewFireTimes(
  trigger: Trigger,
  now: Date,
  count: number,
  zone = triggerZone(trigger.toJSON()),
): PreviewFire[] {
  const fires: PreviewFire[] = [];
  let previous: Date | null = null;
  while (fires.length < count) {
    const fire = trigger.getNextFireTime(previous, previous ?? now);
    if (fire === null) break;
    const local = DateTime.fromJSDate(fire, { zone });
    fires.push({ utc: fire.toISOString(), local: local.toISO() as string, offset: local.toFormat('ZZ') });
    previous = fire;
  }
  return fires;
}
