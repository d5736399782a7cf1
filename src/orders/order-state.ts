/**
 * The order state machine (one row per order id, docs/orders.md). Every transition is taken
 * under that row's lock, by whoever locks it first: the inbound handlers (in a unit of work with
 * the timeout job) or the timeout's guarded run (in its completion transaction). Nobody waits on
 * the job's lease.
 *
 *   (none)      --created-->  pending              job order-timeout:<id> added in the same transaction
 *   (none)      --paid----->  paid_before_created  tombstone: a later created schedules nothing
 *   paid_before_created --created--> paid          nothing scheduled
 *   pending     --paid-------> paid                the job removed if free; a run in flight finds
 *                                                  `paid` under the lock and emits nothing
 *   pending     --timeout fires--> cancelled       cancel + restock commit with the run; its firedAt
 *                                                  is stored as cancelled_at
 *   cancelled   --paid-------> late_paid           orders.late-payment, cancelledAt = cancelled_at
 *   paid | late_paid: every further created/paid/timeout changes nothing.
 */
export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'late_paid' | 'paid_before_created';

/** One order's row, as the state machine reads it. */
export interface OrderRecord {
  orderId: string;
  status: OrderStatus;
  /** When its timeout is due (the timeout run's scheduled time once it fired). */
  runAt: Date | null;
  /** The cancel's firedAt, once the timeout fired on a pending order. */
  cancelledAt: Date | null;
}

export interface OrderItem {
  skuId: string;
  quantity: number;
}

/** An `orders.created` ready to schedule: when its timeout job runs, and what it carries. */
export interface OrderToSchedule {
  eventId: string;
  orderId: string;
  createdAt: Date;
  runAt: Date;
  items: OrderItem[];
}

export interface OrderPayment {
  eventId: string;
  orderId: string;
  paidAt: Date;
}

export type CreatedOutcome = 'scheduled' | 'duplicate' | 'tombstoned';

/**
 * What `orders.paid` did: `paid` (in time: no cancel will ever be emitted), `late` (the cancel had
 * fired: late-payment emitted), `tombstoned` (paid before created), `duplicate` (already settled).
 */
export type PaidOutcome = 'paid' | 'late' | 'tombstoned' | 'duplicate';

export const ORDER_TIMEOUT_HANDLER = 'orders.timeout';
export const ORDER_TIMEOUT_JOB_PREFIX = 'order-timeout:';

export function orderTimeoutJobId(orderId: string): string {
  return `${ORDER_TIMEOUT_JOB_PREFIX}${orderId}`;
}
