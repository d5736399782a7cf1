import type { ApiPropertyOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

import { CRON_FIELD_KEYS, TRIGGER_SHAPES, type FieldShape, type TriggerType } from '../../scheduler/triggers';

/** The OpenAPI schema of one field, from the engine's declaration. */
function fieldSchema(shape: FieldShape): SchemaObject {
  const base: SchemaObject = (() => {
    switch (shape.kind) {
      case 'cronField':
        return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
      case 'triggers':
        return { type: 'array', items: { type: 'object' }, minItems: 1 };
      case 'integer':
        return { type: 'integer' };
      case 'number':
        return { type: 'number' };
      case 'zone':
        // A stored trigger can carry null (the server's zone at creation): documented, not hidden.
        return { type: 'string', nullable: true, example: 'Europe/Paris' };
      default:
        return { type: 'string' };
    }
  })();
  if (shape.minimum !== undefined) base.minimum = shape.minimum;
  if (shape.maximum !== undefined) base.maximum = shape.maximum;
  if (shape.enum) base.enum = [...shape.enum];
  if (shape.description) base.description = shape.description;
  return base;
}

function shapeSchema(title: string, type: TriggerType, keep: (key: string) => boolean): SchemaObject {
  const shape = TRIGGER_SHAPES[type];
  const properties: Record<string, SchemaObject> = {
    type: { type: 'string', enum: type === 'and' || type === 'or' ? ['and', 'or'] : [type] },
  };
  for (const [key, field] of Object.entries(shape.fields) as [string, FieldShape][])
    if (keep(key)) properties[key] = fieldSchema(field);
  return {
    title,
    type: 'object',
    required: ['type', ...(shape.required as readonly string[])],
    properties,
    additionalProperties: false,
  };
}

const all = () => true;
const isCronField = (key: string) => (CRON_FIELD_KEYS as readonly string[]).includes(key);

/**
 * The trigger as JSON (DESIGN section 3), generated from the engine's TRIGGER_SHAPES so the
 * documented keys are exactly the keys the engine takes. The same keys in APScheduler
 * snake_case (`day_of_week`) are accepted too, as is `{trigger, params, timezone}`.
 */
export const TRIGGER_SCHEMA: ApiPropertyOptions = {
  description:
    'A trigger: date, interval, cron (APScheduler fields or a crontab `expr`), calendarinterval, and/or. ' +
    'snake_case keys and the APScheduler form {trigger, params, timezone} are accepted too. ' +
    'Any other key is refused, naming it.',
  oneOf: [
    shapeSchema('date', 'date', all),
    shapeSchema('interval', 'interval', all),
    shapeSchema('cron', 'cron', (key) => key !== 'expr'),
    { ...shapeSchema('crontab', 'cron', (key) => !isCronField(key)), required: ['type', 'expr'] },
    shapeSchema('calendarinterval', 'calendarinterval', all),
    shapeSchema('and / or', 'and', all),
    {
      title: 'APScheduler style',
      type: 'object',
      required: ['trigger'],
      properties: {
        trigger: {
          type: 'string',
          enum: ['date', 'interval', 'cron', 'crontab', 'calendarinterval', 'and', 'or'],
        },
        params: { type: 'object', description: 'snake_case keyword arguments' },
        timezone: fieldSchema({ kind: 'zone' }),
      },
      additionalProperties: false,
    },
  ],
};
