import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';

import { MAX_JOB_ID_LENGTH } from '../../scheduler';
import { InboundSchema } from '../../messaging/inbound/inbound-schema';
import { IsValidId } from '../../messaging/inbound/validators';
import { isIsoInstant } from '../../orders/dto/iso-instant';
import { MAX_EVENT_ID_LENGTH } from '../../orders/dto/order-events.dto';
import { ORDER_TIMEOUT_JOB_PREFIX } from '../../orders/order-state';

const COMMAND_TYPES = ['schedule', 'cancel'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];
/** A year: longer delays are almost certainly a unit mistake. */
const MAX_DELAY_SECONDS = 366 * 24 * 3600;

const TOPIC_PATTERN = '^[a-zA-Z0-9._-]{1,249}$';

/*
 * The shortcut schema of SchedulerCommandDto (see inbound-schema.ts): never wider than the
 * decorators. A cancel carrying schedule fields (which class-validator keeps unchecked), a schedule
 * with both target and http, nulls in optional fields: all left to class-validator.
 */
const TARGET_SCHEMA = {
  type: 'object',
  required: ['topic', 'value'],
  properties: {
    topic: { type: 'string', pattern: TOPIC_PATTERN },
    key: { type: ['string', 'null'] },
    value: { not: { type: 'null' } },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};
const SCHEDULER_COMMAND_SCHEMA = {
  type: 'object',
  required: ['eventId', 'type', 'jobId'],
  properties: {
    eventId: { type: 'string', validId: MAX_EVENT_ID_LENGTH },
    type: { type: 'string', enum: [...COMMAND_TYPES] },
    jobId: { type: 'string', validId: MAX_JOB_ID_LENGTH, notStartsWith: ORDER_TIMEOUT_JOB_PREFIX },
    runAt: { type: 'string', isoInstant: true },
    delaySeconds: { type: 'integer', minimum: 0, maximum: MAX_DELAY_SECONDS },
    target: TARGET_SCHEMA,
    http: { type: 'object' },
    retry: { type: 'object' },
  },
  additionalProperties: false,
  if: { properties: { type: { const: 'cancel' } } },
  then: {
    not: { anyOf: [{ required: ['runAt'] }, { required: ['delaySeconds'] }, { required: ['target'] }] },
  },
  else: {
    allOf: [
      { oneOf: [{ required: ['runAt'] }, { required: ['delaySeconds'] }] },
      { oneOf: [{ required: ['target'] }, { required: ['http'] }] },
    ],
  },
};

/** Every value of the object is a string (Kafka headers). */
function IsStringRecord(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'headers'} must be an object whose values are strings`,
      },
    });
}

/**
 * `runAt` of a schedule command: exactly one of runAt / delaySeconds, and runAt an ISO 8601
 * instant with an offset naming a real date. One validator (not ValidateIf + IsOptional), since
 * those skip every check of an absent property and "neither given" must still fail here.
 */
function IsRunAtOrDelay(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRunAtOrDelay',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => runAtProblem(value, args.object) === null,
        defaultMessage: (args?: ValidationArguments) => runAtProblem(args?.value, args?.object ?? {}) ?? '',
      },
    });
}

function runAtProblem(value: unknown, command: object): string | null {
  const { type, delaySeconds } = command as Record<string, unknown>;
  if (type !== 'schedule') return null;
  const hasRunAt = value !== undefined && value !== null;
  const hasDelay = delaySeconds !== undefined && delaySeconds !== null;
  if (hasRunAt === hasDelay) return 'exactly one of runAt and delaySeconds must be given';
  if (!hasRunAt) return null;
  if (typeof value !== 'string' || !isIsoInstant(value))
    return 'runAt must be a valid ISO 8601 date-time with an offset (Z or ±hh:mm)';
  return null;
}

/** What to publish when the job fires (the 'publish' action's args). */
class CommandTargetDto {
  @IsDefined()
  @IsString()
  @Matches(new RegExp(TOPIC_PATTERN), { message: 'topic must be a Kafka topic name ([a-zA-Z0-9._-], 1-249)' })
  topic!: string;

  @IsOptional()
  @IsString()
  key?: string | null;

  /** Any JSON value; IsDefined keeps it through the pipeline's whitelist. */
  @IsDefined({ message: 'value is required (any JSON value)' })
  value!: unknown;

  @IsOptional()
  @IsStringRecord()
  headers?: Record<string, string>;
}

/** `scheduler.commands` (DESIGN section 6): schedule a one-shot publish, or cancel it. */
@InboundSchema(SCHEDULER_COMMAND_SCHEMA)
export class SchedulerCommandDto {
  @IsDefined()
  @IsValidId(MAX_EVENT_ID_LENGTH)
  eventId!: string;

  @IsDefined()
  @IsIn(COMMAND_TYPES, { message: `type must be one of: ${COMMAND_TYPES.join(', ')}` })
  type!: CommandType;

  @IsDefined()
  @IsValidId(MAX_JOB_ID_LENGTH)
  // Order timeouts belong to the orders domain: a command must not cancel or shadow one.
  @Matches(new RegExp(`^(?!${ORDER_TIMEOUT_JOB_PREFIX})`), {
    message: `jobId must not start with '${ORDER_TIMEOUT_JOB_PREFIX}' (reserved for order timeouts)`,
  })
  jobId!: string;

  @IsRunAtOrDelay()
  runAt?: string;

  @ValidateIf(
    (o: SchedulerCommandDto) =>
      o.type === 'schedule' && o.delaySeconds !== undefined && o.delaySeconds !== null,
  )
  @IsInt()
  @Min(0)
  @Max(MAX_DELAY_SECONDS)
  delaySeconds?: number;

  // A schedule command publishes `target` to Kafka, or calls the `http` target: exactly one of them.
  @ValidateIf(
    (o: SchedulerCommandDto) => o.type === 'schedule' && (o.http === undefined || o.target !== undefined),
  )
  @IsDefined({ message: 'target (Kafka) or http is required for a schedule command' })
  @IsObject()
  @ValidateNested()
  @Type(() => CommandTargetDto)
  target?: CommandTargetDto;

  /** The `http` action's args ({method?, url, headers?, body? | bodyText?, …}), checked by the engine. */
  @ValidateIf((o: SchedulerCommandDto) => o.http !== undefined)
  @IsObject()
  http?: Record<string, unknown>;

  /** The job's retry policy ({maxAttempts?, backoff?, maxEventAgeSeconds?}), checked by the engine. */
  @IsOptional()
  @IsObject()
  retry?: Record<string, unknown>;
}
