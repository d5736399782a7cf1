import {
  TRIGGER_SHAPES,
  triggerFromJSON,
  triggerKeys,
  triggerSpecFromApscheduler,
  type ApschedulerTriggerCase,
  type Trigger,
  type TriggerSpec,
  type TriggerType,
} from '../../scheduler/triggers';
import { SchedulerError, ValidationError } from '../../scheduler';

/** Keys each trigger type accepts (camelCase), from the engine's declaration. */
const ALLOWED: Record<string, readonly string[]> = Object.fromEntries(
  (Object.keys(TRIGGER_SHAPES) as TriggerType[]).map((type) => [type, triggerKeys(type)]),
);

const MAX_DEPTH = 8;

const camel = (key: string): string => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a trigger as the REST API accepts it, into the engine's camelCase spec:
 * - camelCase (`{type: 'cron', dayOfWeek: 'mon-fri'}`), the engine's own JSON;
 * - the same with APScheduler's snake_case keys (`day_of_week`, `start_date`, `run_date`);
 * - APScheduler style `{trigger: 'cron' | 'crontab' | …, params: {…snake_case}, timezone?}`.
 * Unknown keys are refused, naming the field under `prefix` (`trigger.day_of_weak`).
 */
export function normalizeTrigger(input: unknown, prefix = 'trigger', depth = 0): TriggerSpec {
  if (!isPlainObject(input)) throw new ValidationError(prefix, 'must be an object');
  if (depth > MAX_DEPTH) throw new ValidationError(prefix, `and/or triggers nest at most ${MAX_DEPTH} deep`);
  if (input.type === undefined && typeof input.trigger === 'string')
    return fromApscheduler(input, prefix, depth);
  if (typeof input.type !== 'string')
    throw new ValidationError(`${prefix}.type`, 'is required: a trigger type name');
  const type = input.type;
  const allowed = ALLOWED[type];
  if (!Object.hasOwn(ALLOWED, type) || !allowed)
    throw new ValidationError(`${prefix}.type`, `unknown trigger type '${type}'`);
  const spec: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(input)) {
    const key = camel(rawKey);
    if (!allowed.includes(key))
      throw new ValidationError(`${prefix}.${rawKey}`, `is not a field of a '${type}' trigger`);
    if (key in spec)
      throw new ValidationError(`${prefix}.${rawKey}`, `is given twice (as ${key} and ${rawKey})`);
    spec[key] = key === 'triggers' ? parts(value, `${prefix}.triggers`, depth) : value;
  }
  return spec as unknown as TriggerSpec;
}

function parts(value: unknown, prefix: string, depth: number): TriggerSpec[] {
  if (!Array.isArray(value)) throw new ValidationError(prefix, 'must be a list of triggers');
  return value.map((part, i) => normalizeTrigger(part, `${prefix}[${i}]`, depth + 1));
}

function fromApscheduler(input: Record<string, unknown>, prefix: string, depth: number): TriggerSpec {
  for (const key of Object.keys(input)) {
    if (!['trigger', 'params', 'timezone'].includes(key))
      throw new ValidationError(
        `${prefix}.${key}`,
        'is not a field of an APScheduler-style trigger (trigger, params, timezone)',
      );
  }
  if (input.params !== undefined && !isPlainObject(input.params))
    throw new ValidationError(`${prefix}.params`, 'must be an object');
  let converted: TriggerSpec;
  try {
    converted = triggerSpecFromApscheduler(input as unknown as ApschedulerTriggerCase);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prefix}.${error.field}`, error.reason);
    throw error;
  }
  // Re-read through the camelCase path, so unknown keys are refused the same way.
  return normalizeTrigger(converted, prefix, depth);
}

/**
 * A trigger ready to use: normalized, then built by the engine (which names bad fields; they are
 * prefixed here, `trigger.dayOfWeek`). Anything else the engine throws while parsing is input too.
 */
export function parseTriggerInput(
  input: unknown,
  prefix = 'trigger',
): { spec: TriggerSpec; trigger: Trigger } {
  const spec = normalizeTrigger(input, prefix);
  try {
    return { spec, trigger: triggerFromJSON(spec) };
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${prefix}.${error.field}`, error.reason);
    if (error instanceof SchedulerError) throw error;
    throw new ValidationError(prefix, error instanceof Error ? error.message : String(error));
  }
}
