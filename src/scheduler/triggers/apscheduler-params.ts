import { ValidationError } from '../errors';
import type { TriggerSpec } from './trigger';

/**
 * An APScheduler-style trigger description, as in the oracle file and the snake_case REST input:
 * a type name (APScheduler's, plus `crontab` for `CronTrigger.from_crontab`), keyword `params`
 * in snake_case, and a zone. Nested and/or parts inherit the outer zone unless they give one.
 */
export interface ApschedulerTriggerCase {
  trigger: string;
  params?: Record<string, unknown>;
  timezone?: string;
}

const TYPES = ['date', 'interval', 'cron', 'calendarinterval', 'and', 'or'] as const;

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Converts an APScheduler-style case into our camelCase TriggerSpec (not yet validated). */
export function triggerSpecFromApscheduler(input: ApschedulerTriggerCase, fieldPrefix = ''): TriggerSpec {
  if (input === null || typeof input !== 'object')
    throw new ValidationError(`${fieldPrefix}trigger`, 'must be an object');
  const params = input.params ?? {};
  if (typeof params !== 'object' || Array.isArray(params))
    throw new ValidationError(`${fieldPrefix}params`, 'must be an object');
  const name = input.trigger;
  const type = name === 'crontab' ? 'cron' : name;
  if (!(TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(`${fieldPrefix}type`, `unknown trigger type '${String(name)}'`);
  }
  const spec: Record<string, unknown> = { type };
  const timezone = (params as Record<string, unknown>).timezone ?? input.timezone;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'triggers') {
      if (!Array.isArray(value))
        throw new ValidationError(`${fieldPrefix}triggers`, 'must be a list of triggers');
      spec.triggers = value.map((part: ApschedulerTriggerCase, i) =>
        triggerSpecFromApscheduler(
          { ...part, timezone: part?.timezone ?? (typeof timezone === 'string' ? timezone : undefined) },
          `${fieldPrefix}triggers[${i}].`,
        ),
      );
    } else if (key !== 'timezone') {
      spec[camel(key)] = value;
    }
  }
  if (name === 'crontab' && typeof spec.expr !== 'string')
    throw new ValidationError(`${fieldPrefix}expr`, 'a crontab trigger needs expr');
  if (timezone !== undefined && type !== 'and' && type !== 'or') spec.timezone = timezone;
  return spec as unknown as TriggerSpec;
}
