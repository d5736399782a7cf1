import { IntervalTrigger, type TriggerSpec } from './triggers';

/**
 * APScheduler anchors an interval trigger without a start date when it is created (start =
 * now + interval). The anchor is written into the stored trigger as its `startDate`, so pause and
 * resume, restarts and every replica keep the same grid instead of restarting it from "now".
 * Parts of and/or triggers are anchored the same way. A job added with an explicit first run time
 * (`nextRunTime`) has its own interval grid pass through that time instead. Returns `spec` itself
 * when nothing changed.
 */
export function anchorIntervals(spec: TriggerSpec, now: Date, firstRun?: Date | null): TriggerSpec {
  if (spec.type === 'and' || spec.type === 'or') {
    const triggers = spec.triggers.map((part) => anchorIntervals(part, now));
    return triggers.some((part, i) => part !== spec.triggers[i]) ? { ...spec, triggers } : spec;
  }
  if (spec.type !== 'interval' || spec.startDate !== undefined) return spec;
  const trigger = new IntervalTrigger(spec);
  const anchor = firstRun ? firstRun.getTime() : now.getTime() + trigger.intervalMs;
  // Past the end date the trigger never fires either way; a start after the end would not parse.
  if (trigger.endDate && anchor > trigger.endDate.getTime()) return spec;
  return { ...spec, startDate: new Date(anchor).toISOString() };
}

/**
 * The anchor for a job stored before anchoring existed, taken from its next run time (a point on
 * the grid it has been keeping) before that is cleared by a pause. Top-level intervals only.
 */
export function anchorAtNextRun(spec: TriggerSpec, nextRunTime: Date | null): TriggerSpec {
  if (spec.type !== 'interval' || spec.startDate !== undefined || nextRunTime === null) return spec;
  return { ...spec, startDate: nextRunTime.toISOString() };
}
