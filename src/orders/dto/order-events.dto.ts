import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { InboundSchema } from '../../messaging/inbound/inbound-schema';
import { IsValidId } from '../../messaging/inbound/validators';
import { IsIsoInstant } from './iso-instant';

/** The timeout job id is `order-timeout:<orderId>` and job ids are at most 191 characters. */
const MAX_ORDER_ID_LENGTH = 177;
export const MAX_EVENT_ID_LENGTH = 191;
/** A week: anything longer is almost certainly a unit mistake (ms sent as seconds). */
const MAX_PAYMENT_TIMEOUT_SECONDS = 7 * 24 * 3600;
const MAX_ITEMS = 1000;
const MAX_SKU_ID_LENGTH = 191;

/*
 * The shortcut schemas of the DTOs below (see inbound-schema.ts): never wider than the decorators.
 * A null optional, a surrogate pair in a sku, anything unusual is left to class-validator.
 */
const EVENT_PROPERTIES = {
  eventId: { type: 'string', validId: MAX_EVENT_ID_LENGTH },
  orderId: { type: 'string', validId: MAX_ORDER_ID_LENGTH },
};
const ORDER_CREATED_SCHEMA = {
  type: 'object',
  required: ['eventId', 'orderId', 'createdAt', 'items'],
  properties: {
    ...EVENT_PROPERTIES,
    createdAt: { type: 'string', isoInstant: true },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ITEMS,
      items: {
        type: 'object',
        required: ['skuId', 'quantity'],
        properties: {
          skuId: { type: 'string', minLength: 1, maxLength: MAX_SKU_ID_LENGTH },
          quantity: { type: 'integer', minimum: 1 },
        },
        additionalProperties: false,
      },
    },
    paymentTimeoutSeconds: { type: 'integer', minimum: 1, maximum: MAX_PAYMENT_TIMEOUT_SECONDS },
  },
  additionalProperties: false,
};
const ORDER_PAID_SCHEMA = {
  type: 'object',
  required: ['eventId', 'orderId', 'paidAt'],
  properties: { ...EVENT_PROPERTIES, paidAt: { type: 'string', isoInstant: true } },
  additionalProperties: false,
};

class OrderItemDto {
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SKU_ID_LENGTH)
  skuId!: string;

  @IsDefined()
  @IsInt()
  @Min(1)
  quantity!: number;
}

/** What every order event carries (validation metadata is inherited by the subclasses). */
abstract class OrderEventDto {
  @IsDefined()
  @IsValidId(MAX_EVENT_ID_LENGTH)
  eventId!: string;

  @IsDefined()
  @IsValidId(MAX_ORDER_ID_LENGTH)
  orderId!: string;
}

/** `orders.created` (DESIGN section 6). */
@InboundSchema(ORDER_CREATED_SCHEMA)
export class OrderCreatedDto extends OrderEventDto {
  @IsDefined()
  @IsString()
  @IsIsoInstant()
  createdAt!: string;

  @IsDefined()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAYMENT_TIMEOUT_SECONDS)
  paymentTimeoutSeconds?: number;
}

/** `orders.paid` (DESIGN section 6). */
@InboundSchema(ORDER_PAID_SCHEMA)
export class OrderPaidDto extends OrderEventDto {
  @IsDefined()
  @IsString()
  @IsIsoInstant()
  paidAt!: string;
}
