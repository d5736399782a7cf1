import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsObject, Max, Min } from 'class-validator';

import { TRIGGER_SCHEMA } from './trigger.schema';
import { OptionalNotNull } from './validators';

const MAX_PREVIEW = 1000;

export class PreviewTriggerDto {
  @ApiProperty(TRIGGER_SCHEMA)
  @IsObject()
  trigger!: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PREVIEW, default: 10 })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_PREVIEW)
  count?: number;

  @ApiPropertyOptional({
    description: "Preview from this instant (ISO 8601; default: the service's now)",
    example: '2026-01-01T00:00:00Z',
  })
  @OptionalNotNull()
  @IsDateString({ strict: true }, { message: 'now must be an ISO 8601 date-time' })
  now?: string;
}

class FireTimeDto {
  @ApiProperty({ example: '2026-01-05T08:30:00.000Z' })
  utc!: string;

  @ApiProperty({ example: '2026-01-05T09:30:00.000+01:00' })
  local!: string;

  @ApiProperty({ example: '+01:00' })
  offset!: string;
}

export class PreviewResponseDto {
  @ApiProperty({ description: "The zone 'local' is read in", example: 'Europe/Paris' })
  timezone!: string;

  @ApiProperty({ type: [FireTimeDto], description: 'Fewer than count when the trigger runs out' })
  fireTimes!: FireTimeDto[];
}
