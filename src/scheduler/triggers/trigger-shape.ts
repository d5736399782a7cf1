import { ValidationError } from '../errors';
import type {
  CalendarIntervalTriggerSpec,
  CombiningTriggerSpec,
  CronTriggerSpec,
  DateTriggerSpec,
  IntervalTriggerSpec,
  TriggerType,
} from './trigger';

/**
 * The keys each trigger type takes, declared once: the constructors refuse any other key
 * (APScheduler's trigger classes raise TypeError for an unknown keyword), and the REST schema is
 * generated from these entries. The constructors still check the values themselves; the
 * bounds here are what the schema documents.
 */
export interface FieldShape {
  kind: 'number' | 'integer' | 'cronField' | 'date' | 'zone' | 'string' | 'triggers';
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  description?: string;
}

type Fields<S> = { readonly [K in Exclude<keyof S, 'type'>]-?: FieldShape };

export interface TriggerShape<S> {
  readonly required: readonly Exclude<keyof S, 'type'>[];
  readonly fields: Fields<S>;
}

const date: FieldShape = {
  kind: 'date',
  description: "ISO 8601 with offset, or 'YYYY-MM-DD[ HH:mm:ss]' read in the trigger's timezone",
};
const zone: FieldShape = { kind: 'zone', description: 'IANA zone (default UTC); an unknown zone is refused' };
const jitter: FieldShape = {
  kind: 'number',
  minimum: 0,
  description: 'delay each fire by up to this many seconds',
};
const elapsed: FieldShape = { kind: 'number', minimum: 0 };
const count: FieldShape = { kind: 'integer', minimum: 0 };
const cronField: FieldShape = { kind: 'cronField' };

/** APScheduler's cron fields, largest first (a crontab `expr` excludes them all). */
export const CRON_FIELD_KEYS = [
  'year',
  'month',
  'day',
  'week',
  'dayOfWeek',
  'hour',
  'minute',
  'second',
] as const;

export const TRIGGER_SHAPES: {
  readonly date: TriggerShape<DateTriggerSpec>;
  readonly interval: TriggerShape<IntervalTriggerSpec>;
  readonly cron: TriggerShape<CronTriggerSpec>;
  readonly calendarinterval: TriggerShape<CalendarIntervalTriggerSpec>;
  readonly and: TriggerShape<CombiningTriggerSpec>;
  readonly or: TriggerShape<CombiningTriggerSpec>;
} = {
  date: { required: ['runDate'], fields: { runDate: date, timezone: zone } },
  interval: {
    required: [],
    fields: {
      weeks: elapsed,
      days: elapsed,
      hours: elapsed,
      minutes: elapsed,
      seconds: elapsed,
      startDate: date,
      endDate: date,
      timezone: zone,
      jitter,
    },
  },
  cron: {
    required: [],
    fields: {
      expr: {
        kind: 'string',
        description: '5 or 6 crontab fields (day-of-week 0 = Sunday), L and # allowed; excludes the fields',
      },
      year: cronField,
      month: cronField,
      day: cronField,
      week: cronField,
      dayOfWeek: { ...cronField, description: '0 = Monday (APScheduler); names mon-sun' },
      hour: cronField,
      minute: cronField,
      second: cronField,
      startDate: date,
      endDate: date,
      timezone: zone,
      jitter,
    },
  },
  calendarinterval: {
    required: [],
    fields: {
      years: count,
      months: count,
      weeks: count,
      days: count,
      hour: { kind: 'integer', minimum: 0, maximum: 23 },
      minute: { kind: 'integer', minimum: 0, maximum: 59 },
      second: { kind: 'integer', minimum: 0, maximum: 59 },
      startDate: date,
      endDate: date,
      timezone: zone,
      monthEnd: { kind: 'string', enum: ['skip', 'clamp'] },
    },
  },
  and: { required: ['triggers'], fields: { triggers: { kind: 'triggers' }, jitter } },
  or: { required: ['triggers'], fields: { triggers: { kind: 'triggers' }, jitter } },
};

/** The keys a trigger of `type` accepts, `type` included. */
export function triggerKeys(type: TriggerType): string[] {
  return ['type', ...Object.keys(TRIGGER_SHAPES[type].fields)];
}

/** Refuses any key `type` does not take, naming it (and the key meant, when it is a near miss). */
export function checkTriggerKeys(type: TriggerType, spec: object): void {
  const allowed = triggerKeys(type);
  for (const key of Object.keys(spec)) {
    if (allowed.includes(key)) continue;
    const meant = nearMiss(key, allowed);
    throw new ValidationError(
      key,
      `is not a field of '${type}' triggers` + (meant ? ` (did you mean '${meant}'?)` : ''),
    );
  }
}

/** `hours` → `hour`, `day_of_week` → `dayOfWeek`, `jiter` → `jitter`: one edit apart, case and `_` aside. */
function nearMiss(key: string, allowed: string[]): string | undefined {
  const norm = (k: string) => k.replace(/_/g, '').toLowerCase();
  const k = norm(key);
  return allowed.find((a) => oneEditApart(norm(a), k));
}

function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, skip: number) => x.slice(i + skip);
  return rest(a, 1) === rest(b, 1) || rest(a, 1) === rest(b, 0) || rest(a, 0) === rest(b, 1) || a === b;
}
