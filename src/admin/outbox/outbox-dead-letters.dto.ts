import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { PageLimit } from '../dto/query.dto';

export class OutboxDeadLettersQuery {
  @PageLimit(50)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API issued' })
  cursor?: string;
}

export class OutboxDeadLetterDto {
  @ApiProperty({ description: 'The eventId of the event that could not be published' })
  eventId!: string;
  @ApiProperty({ description: 'The topic that refused it' }) topic!: string;
  @ApiProperty({ type: String, nullable: true }) key!: string | null;
  @ApiProperty({ description: 'Failed publish attempts' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The last publish error' })
  lastError!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The job that emitted it, when known' })
  jobId!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the event was committed to the outbox' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it was dead-lettered' })
  deadAt!: string;
}

export class OutboxDeadLetterPageDto {
  @ApiProperty({ type: [OutboxDeadLetterDto], description: 'Newest first' }) items!: OutboxDeadLetterDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
