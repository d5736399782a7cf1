import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';

import { Setting } from './setting';

export class OrderSettings {
  /** Cancel an unpaid order after this long, unless the event says otherwise. */
  @Setting('ORDER_PAYMENT_TIMEOUT_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  paymentTimeoutSeconds = 1800;
}
