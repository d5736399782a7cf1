import type { ApiPropertyOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const dateText = {
  type: 'string',
  description: "ISO 8601 with offset, or 'YYYY-MM-DD[ HH:mm:ss]' read in the trigger's timezone",
};
const zone = {
  type: 'string',
  description: 'IANA zone (default UTC); an unknown zone is refused',
  example: 'Europe/Paris',
};
const jitter = { type: 'number', minimum: 0, description: 'delay each fire by up to this many seconds' };
const cronField = { oneOf: [{ type: 'string' }, { type: 'integer' }] };

const obj = (title: string, required: string[], properties: Record<string, SchemaObject>): SchemaObject => ({
  title,
  type: 'object',
  required,
  properties,
  additionalProperties: false,
});

/**
 * The trigger as JSON (DESIGN section 3): one of these shapes, camelCase. The same keys in
 * APScheduler snake_case (`day_of_week`) are accepted too, as is `{trigger, params, timezone}`.
 * The engine validates the values; these schemas document them.
 */
export const TRIGGER_SCHEMA: ApiPropertyOptions = {
  description:
    'A trigger: date, interval, cron (APScheduler fields or a crontab `expr`), calendarinterval, and/or. ' +
    'snake_case keys and the APScheduler form {trigger, params, timezone} are accepted too.',
  oneOf: [
    obj('date', ['type', 'runDate'], {
      type: { type: 'string', enum: ['date'] },
      runDate: dateText,
      timezone: zone,
    }),
    obj('interval', ['type'], {
      type: { type: 'string', enum: ['interval'] },
      weeks: { type: 'number', minimum: 0 },
      days: { type: 'number', minimum: 0 },
      hours: { type: 'number', minimum: 0 },
      minutes: { type: 'number', minimum: 0 },
      seconds: { type: 'number', minimum: 0 },
      startDate: dateText,
      endDate: dateText,
      timezone: zone,
      jitter,
    }),
    obj('cron', ['type'], {
      type: { type: 'string', enum: ['cron'] },
      year: cronField,
      month: cronField,
      day: cronField,
      week: cronField,
      dayOfWeek: { ...cronField, description: '0 = Monday (APScheduler); names mon-sun' },
      hour: cronField,
      minute: cronField,
      second: cronField,
      startDate: dateText,
      endDate: dateText,
      timezone: zone,
      jitter,
    }),
    obj('crontab', ['type', 'expr'], {
      type: { type: 'string', enum: ['cron'] },
      expr: {
        type: 'string',
        description: '5 or 6 crontab fields (day-of-week 0 = Sunday), L and # allowed',
      },
      startDate: dateText,
      endDate: dateText,
      timezone: zone,
      jitter,
    }),
    obj('calendarinterval', ['type'], {
      type: { type: 'string', enum: ['calendarinterval'] },
      years: { type: 'integer', minimum: 0 },
      months: { type: 'integer', minimum: 0 },
      weeks: { type: 'integer', minimum: 0 },
      days: { type: 'integer', minimum: 0 },
      hour: { type: 'integer', minimum: 0, maximum: 23 },
      minute: { type: 'integer', minimum: 0, maximum: 59 },
      second: { type: 'integer', minimum: 0, maximum: 59 },
      startDate: dateText,
      endDate: dateText,
      timezone: zone,
      monthEnd: { type: 'string', enum: ['skip', 'clamp'] },
    }),
    obj('and / or', ['type', 'triggers'], {
      type: { type: 'string', enum: ['and', 'or'] },
      triggers: { type: 'array', items: { type: 'object' }, minItems: 1 },
      jitter,
    }),
    obj('APScheduler style', ['trigger'], {
      trigger: {
        type: 'string',
        enum: ['date', 'interval', 'cron', 'crontab', 'calendarinterval', 'and', 'or'],
      },
      params: { type: 'object', description: 'snake_case keyword arguments' },
      timezone: zone,
    }),
  ],
};
