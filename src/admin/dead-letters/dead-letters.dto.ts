import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { MAX_DEAD_LETTER_RANGE } from '../../messaging/dead-letters/dead-letter-replayer';

const OFFSET = /^(0|[1-9][0-9]{0,17})$/;
const OFFSET_MESSAGE = 'must be a Kafka offset as a decimal string';

export class ListDeadLettersQuery {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'One partition of the .dlq topic (default: all)',
    minimum: 0,
    maximum: 100_000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  partition?: number;

  @ApiPropertyOptional({ description: 'First offset to list (default: the most recent `limit`)' })
  @IsOptional()
  @IsString()
  @Matches(OFFSET, { message: OFFSET_MESSAGE })
  fromOffset?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_DEAD_LETTER_RANGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_DEAD_LETTER_RANGE)
  limit?: number;
}

export class ReplayDeadLettersDto {
  @ApiProperty({ type: 'integer', description: 'Partition of the .dlq topic', minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  @Max(100_000)
  partition!: number;

  @ApiProperty({ description: 'First .dlq offset to replay (decimal string)', example: '0' })
  @IsString()
  @Matches(OFFSET, { message: OFFSET_MESSAGE })
  fromOffset!: string;

  @ApiProperty({
    description: `Last .dlq offset to replay, inclusive (at most ${MAX_DEAD_LETTER_RANGE} offsets)`,
    example: '9',
  })
  @IsString()
  @Matches(OFFSET, { message: OFFSET_MESSAGE })
  toOffset!: string;

  @ApiPropertyOptional({
    description: 'Also send again the messages whose earlier replay failed (the broker may have them)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  retryFailed?: boolean;
}
