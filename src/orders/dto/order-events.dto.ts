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

import { IsValidId } from '../../messaging/inbound/validators';
import { IsIsoInstant } from './iso-instant';

/** The timeout job id is `order-timeout:<orderId>` and job ids are at most 191 characters. */
const MAX_ORDER_ID_LENGTH = 177;
export const MAX_EVENT_ID_LENGTH = 191;
/** A week: anything longer is almost certainly a unit mistake (ms sent as seconds). */
const MAX_PAYMENT_TIMEOUT_SECONDS = 7 * 24 * 3600;
const MAX_ITEMS = 1000;

class OrderItemDto {
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(191)
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
export class OrderPaidDto extends OrderEventDto {
  @IsDefined()
  @IsString()
  @IsIsoInstant()
  paidAt!: string;
}
