import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const JOB_STATES = ['scheduled', 'paused'] as const;
export const TRIGGER_TYPES = ['date', 'interval', 'cron', 'calendarinterval', 'and', 'or'] as const;
const MAX_PAGE = 500;

/** The `limit` query parameter of a paged list: an integer from 1 to MAX_PAGE. */
export function PageLimit(defaultValue: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: defaultValue }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE),
  );
}

export class ListJobsQuery {
  @ApiPropertyOptional({ enum: JOB_STATES })
  @IsOptional()
  @IsIn(JOB_STATES)
  state?: (typeof JOB_STATES)[number];

  @ApiPropertyOptional({ enum: TRIGGER_TYPES })
  @IsOptional()
  @IsIn(TRIGGER_TYPES)
  triggerType?: (typeof TRIGGER_TYPES)[number];

  @ApiPropertyOptional({ description: 'Only jobs whose name starts with this', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  namePrefix?: string;

  @PageLimit(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API issued' })
  cursor?: string;
}

export class RunHistoryQuery {
  @PageLimit(50)
  limit?: number;
}

export class ListDeadRunsQuery {
  @ApiPropertyOptional({ description: 'Only the dead runs of this job', maxLength: 191 })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  jobId?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', pattern: '^[0-9]{1,19}$' })
  @IsOptional()
  @Matches(/^[0-9]{1,19}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @PageLimit(100)
  limit?: number;
}
