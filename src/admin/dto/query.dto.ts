import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const JOB_STATES = ['scheduled', 'paused'] as const;
export const TRIGGER_TYPES = ['date', 'interval', 'cron', 'calendarinterval', 'and', 'or'] as const;
export const MAX_PAGE = 500;

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

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API issued' })
  cursor?: string;
}

export class RunHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}
