import type { CreatedOutcome, OrderPayment, OrderToSchedule, PaidOutcome } from './order-state';

/**
 * The orders domain's persistence port. Each call takes its check and its writes as one atomic
 * step (a MySQL transaction, or one synchronous step in memory), so redeliveries, duplicates and
 * the payment/timeout race resolve to exactly one outcome.
 */
export interface OrderStore {
  /** Schedule the timeout jobs of orders seen for the first time; one outcome per input, in order. */
  recordCreated(orders: OrderToSchedule[]): Promise<CreatedOutcome[]>;
  /** Settle one payment (see PaidOutcome). */
  recordPaid(payment: OrderPayment): Promise<PaidOutcome>;
  /** The stored status, or null (tests, diagnostics). */
  getStatus(orderId: string): Promise<string | null>;
}

export const ORDER_STORE = Symbol('ORDER_STORE');
