import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import type { JsonValue } from '../../scheduler';
import { PRINTABLE } from './validators';

/** What a job does: a handler registered with the scheduler, by name, and its JSON arguments. */
export class ActionDto {
  @ApiProperty({
    description:
      "A registered action handler: 'publish' (args {topic, key?, value, headers?}) or another by name",
    example: 'publish',
    maxLength: 100,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(PRINTABLE, { message: 'handler must not contain control characters' })
  handler!: string;

  @ApiPropertyOptional({
    description: "The handler's arguments (any JSON). For 'publish': {topic, key?, value, headers?}",
    example: {
      topic: 'reports.daily',
      key: 'daily',
      value: { report: 'sales' },
      headers: { source: 'admin' },
    },
  })
  @IsOptional()
  args?: JsonValue;
}
