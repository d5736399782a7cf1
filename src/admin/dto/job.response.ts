import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ActionDto } from './action.dto';
import { TRIGGER_SCHEMA } from './trigger.schema';

export class RunDto {
  @ApiProperty({ example: '2026-01-05T08:30:00.000Z' })
  scheduledAt!: string;

  @ApiProperty({ nullable: true, type: String })
  startedAt!: string | null;

  @ApiProperty({ nullable: true, type: String })
  finishedAt!: string | null;

  @ApiProperty({ enum: ['success', 'error', 'missed', 'max_instances', 'timeout'] })
  outcome!: string;

  @ApiProperty({ nullable: true, type: String })
  error!: string | null;

  @ApiProperty({ description: 'The replica that ran it' })
  owner!: string;

  @ApiProperty({ description: 'Which attempt of the scheduled run (1 unless retried)', example: 1 })
  attempt!: number;
}

class PendingRetryDto {
  @ApiProperty() scheduledAt!: string;
  @ApiProperty({ description: 'The attempt it will be' }) attempt!: number;
  @ApiProperty() dueAt!: string;
}

export class JobDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['scheduled', 'paused'] }) state!: 'scheduled' | 'paused';
  @ApiProperty({ enum: ['date', 'interval', 'cron', 'calendarinterval', 'and', 'or'] }) triggerType!: string;
  @ApiProperty(TRIGGER_SCHEMA) trigger!: object;
  @ApiProperty({ type: ActionDto }) action!: ActionDto;
  @ApiProperty({ nullable: true, type: Number }) misfireGraceTime!: number | null;
  @ApiProperty() coalesce!: boolean;
  @ApiProperty() maxInstances!: number;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Next due run (UTC); null when paused' })
  nextRunTime!: string | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: "The job's own retry policy (null: the service default)",
  })
  retry!: object | null;
  @ApiProperty({ type: [PendingRetryDto], description: 'Failed runs waiting for their next attempt' })
  pendingRetries!: PendingRetryDto[];
}

export class JobDetailDto extends JobDto {
  @ApiPropertyOptional({ type: [RunDto], description: 'The most recent runs, newest first' })
  lastRuns?: RunDto[];
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] }) items!: JobDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class RunPageDto {
  @ApiProperty({ type: [RunDto], description: 'Newest first' }) items!: RunDto[];
}

export class RunNowDto {
  @ApiProperty() jobId!: string;
  @ApiProperty() scheduledAt!: string;
  @ApiProperty({
    enum: ['submitted', 'max_instances'],
    description: "'max_instances': a run of the job is already in flight",
  })
  outcome!: string;
}

export class ResumeRemovedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The trigger has no more fire times, so resuming removed the job' })
  removed!: true;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:delayed-action-service:problem:validation-failed' }) type!: string;
  @ApiProperty({ example: 'Unprocessable Content' }) title!: string;
  @ApiProperty({ example: 422 }) status!: number;
  @ApiProperty({ example: "trigger.timezone: unknown time zone 'Mars/Olympus'" }) detail!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty({
    example: [{ field: 'trigger.timezone', message: "unknown time zone 'Mars/Olympus'" }],
    type: 'array',
    items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
  })
  errors!: Array<{ field: string; message: string }>;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
}

export class DeadRunDto {
  @ApiProperty() id!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty() scheduledAt!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty() lastError!: string;
  @ApiProperty() handler!: string;
  @ApiProperty() deadAt!: string;
  @ApiProperty({ type: ActionDto, description: 'The action as it was when the run died' })
  action!: ActionDto;
}

export class DeadRunPageDto {
  @ApiProperty({ type: [DeadRunDto] }) items!: DeadRunDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
