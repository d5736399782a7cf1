import 'reflect-metadata';

import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsInt, IsString, Min, ValidateNested } from 'class-validator';

import type { InboundRecord } from '../../../src/messaging/event-bus';
import { IsStrictDateTime } from '../../../src/messaging/inbound/validators';

class LineDto {
  @IsDefined()
  @IsString()
  sku!: string;

  @IsDefined()
  @IsInt()
  @Min(1)
  quantity!: number;
}

/** A small inbound DTO with the shapes the real ones use: strings, ints, a date-time, nested items. */
export class SampleEventDto {
  @IsDefined()
  @IsString()
  eventId!: string;

  @IsDefined()
  @IsString()
  orderId!: string;

  @IsDefined()
  @IsStrictDateTime()
  at!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];
}

export function sample(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: `ev-${n}`,
    orderId: `order-${n}`,
    at: '2030-01-01T00:00:00Z',
    lines: [{ sku: 'a', quantity: 1 }],
    ...extra,
  };
}

export function record(value: string | Buffer | null, offset = 0, topic = 'in'): InboundRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    key: 'k',
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: { trace: 't-1' },
  };
}
