import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { MAX_JOB_ID_LENGTH, type RetryPolicyInput } from '../../scheduler';
import { IsIsoInstant } from '../../orders/dto/iso-instant';
import { BodySchema } from '../http/body-schema';
import { TRIGGER_SCHEMA } from './trigger.schema';
import { ActionDto } from './action.dto';
import { OptionalNotNull, PRINTABLE } from './validators';

/** Job options shared by create and update (DESIGN section 4). */
class JobOptionsDto {
  @ApiPropertyOptional({
    type: 'number',
    description: 'Seconds a run may be late and still run; null = however late (default)',
    nullable: true,
    example: 300,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  misfireGraceTime?: number | null;

  @ApiPropertyOptional({ description: 'Run a backlog of missed runs once (default true)', example: true })
  @OptionalNotNull()
  @IsBoolean()
  coalesce?: boolean;

  @ApiPropertyOptional({
    description: 'Runs in flight at once across replicas (default 1)',
    minimum: 1,
    maximum: 1000,
    example: 1,
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxInstances?: number;

  @ApiPropertyOptional({
    description:
      'Retry policy of this job; parts left out come from the service default ' +
      '(SCHEDULER_RETRY_*). null: the service default.',
    nullable: true,
    example: {
      maxAttempts: 5,
      backoff: { initialSeconds: 10, multiplier: 2, maxSeconds: 600, jitter: 0.2 },
      maxEventAgeSeconds: 86400,
    },
    type: 'object',
    properties: {
      maxAttempts: { type: 'integer', minimum: 1, maximum: 185 },
      backoff: {
        type: 'object',
        properties: {
          initialSeconds: { type: 'number', minimum: 0, maximum: 86400 },
          multiplier: { type: 'number', minimum: 1, maximum: 10 },
          maxSeconds: { type: 'number', minimum: 0, maximum: 86400 },
          jitter: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
      maxEventAgeSeconds: { type: 'integer', minimum: 1, maximum: 604800 },
    },
  })
  @IsOptional()
  @IsObject()
  retry?: RetryPolicyInput | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description:
      'When the job next runs, overriding its trigger once (ISO 8601 with an offset, years 1970-9999); ' +
      'null: the job is paused (APScheduler next_run_time=None). On PATCH a time also resumes a paused job.',
  })
  @IsOptional()
  @IsIsoInstant()
  nextRunTime?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'APScheduler name of nextRunTime (both: only if equal)',
  })
  @IsOptional()
  @IsIsoInstant()
  next_run_time?: string | null;

  @ApiPropertyOptional({
    type: 'number',
    description: 'APScheduler name of misfireGraceTime (both: only if equal)',
    nullable: true,
    example: 300,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  misfire_grace_time?: number | null;

  @ApiPropertyOptional({
    description: 'APScheduler name of maxInstances (both: only if equal)',
    minimum: 1,
    maximum: 1000,
    example: 1,
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1000)
  max_instances?: number;
}

const POSITIVE_OR_NULL = { type: ['number', 'null'], exclusiveMinimum: 0 };
const MAX_INSTANCES = { type: 'integer', minimum: 1, maximum: 1000 };
const INSTANT_OR_NULL = { type: ['string', 'null'], isoInstant: true };
const PRESENT_BOOLEAN = { type: 'boolean' };

/**
 * The shortcut schema of CreateJobDto (see BodySchema): never wider than the decorators below and
 * on JobOptionsDto. The trigger and the retry policy are any object here as there: the engine
 * reads them and names their fields.
 */
@BodySchema({
  type: 'object',
  required: ['trigger', 'action'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: MAX_JOB_ID_LENGTH, printable: true },
    name: { type: 'string', maxLength: 255 },
    trigger: { type: 'object' },
    action: {
      type: 'object',
      required: ['handler'],
      additionalProperties: false,
      properties: {
        handler: { type: 'string', minLength: 1, maxLength: 100, printable: true },
        args: {},
      },
    },
    paused: PRESENT_BOOLEAN,
    replaceExisting: PRESENT_BOOLEAN,
    replace_existing: PRESENT_BOOLEAN,
    coalesce: PRESENT_BOOLEAN,
    misfireGraceTime: POSITIVE_OR_NULL,
    misfire_grace_time: POSITIVE_OR_NULL,
    maxInstances: MAX_INSTANCES,
    max_instances: MAX_INSTANCES,
    retry: { type: ['object', 'null'] },
    nextRunTime: INSTANT_OR_NULL,
    next_run_time: INSTANT_OR_NULL,
  },
})
export class CreateJobDto extends JobOptionsDto {
  @ApiPropertyOptional({
    description: 'Caller-chosen id (default: a UUID)',
    maxLength: MAX_JOB_ID_LENGTH,
    example: 'daily-sales-report',
  })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_JOB_ID_LENGTH)
  @Matches(PRINTABLE, { message: 'id must not contain control characters' })
  id?: string;

  @ApiPropertyOptional({
    description: 'A label (default: the handler name)',
    maxLength: 255,
    example: 'Daily sales report',
  })
  @OptionalNotNull()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiProperty(TRIGGER_SCHEMA)
  @IsObject()
  trigger!: Record<string, unknown>;

  @ApiProperty({ type: ActionDto })
  @ValidateNested()
  @IsObject()
  @Type(() => ActionDto)
  action!: ActionDto;

  @ApiPropertyOptional({ description: 'Add the job paused (no next run time until resumed)', example: false })
  @OptionalNotNull()
  @IsBoolean()
  paused?: boolean;

  @ApiPropertyOptional({
    description: 'Replace a job with the same id instead of answering 409',
    example: false,
  })
  @OptionalNotNull()
  @IsBoolean()
  replaceExisting?: boolean;

  @ApiPropertyOptional({ description: 'APScheduler name of replaceExisting (both: only if equal)' })
  @OptionalNotNull()
  @IsBoolean()
  replace_existing?: boolean;
}

/** PATCH: name, options and action; the trigger changes through /reschedule. */
export class UpdateJobDto extends JobOptionsDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: ActionDto })
  @OptionalNotNull()
  @ValidateNested()
  @IsObject()
  @Type(() => ActionDto)
  action?: ActionDto;
}

export class RescheduleJobDto {
  @ApiProperty(TRIGGER_SCHEMA)
  @IsObject()
  trigger!: Record<string, unknown>;
}
