import {
  eventIdFor,
  type ActionHandler,
  type AddJobInput,
  type Clock,
  type GuardBatch,
  type JsonValue,
  type OutboxEvent,
  type StoreTransaction,
} from '../scheduler';
import { InvalidOrderJobArgsError } from './errors';
import {
  ORDER_TIMEOUT_HANDLER,
  orderTimeoutJobId,
  type OrderItem,
  type OrderPayment,
  type OrderToSchedule,
} from './order-state';
import type { OrderCancel, OrderStates } from './order-states';

/** Where the orders domain publishes (configurable, DESIGN section 6). */
export interface OrderTopics {
  cancel: string;
  restock: string;
  latePayment: string;
}

/** What the timeout job stores as its action args (JSON, never code). */
interface OrderTimeoutArgs {
  orderId: string;
  items: OrderItem[];
}

/** The one-shot timeout job of an order: a date trigger at `runAt`, run however late. */
export function orderTimeoutJob(order: OrderToSchedule): AddJobInput {
  const args: OrderTimeoutArgs = { orderId: order.orderId, items: order.items };
  return {
    id: orderTimeoutJobId(order.orderId),
    name: ORDER_TIMEOUT_HANDLER,
    trigger: { type: 'date', runDate: order.runAt.toISOString() },
    action: { handler: ORDER_TIMEOUT_HANDLER, args: args as unknown as JsonValue },
    // A cancellation must not be dropped because the service was down at the due time.
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    nextRunTime: order.runAt,
  };
}

function parseArgs(jobId: string, args: JsonValue | undefined): OrderTimeoutArgs {
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new InvalidOrderJobArgsError(jobId);
  const { orderId, items } = args as Record<string, JsonValue>;
  if (typeof orderId !== 'string' || !Array.isArray(items)) throw new InvalidOrderJobArgsError(jobId);
  return { orderId, items: items as unknown as OrderItem[] };
}

/** One timeout run's question to the guard: may this order be cancelled? */
interface TimeoutCheck {
  orderId: string;
  scheduledAt: Date;
  firedAt: Date;
}

/**
 * The timeout's guard for a whole completion batch: locks the orders' rows in one statement and
 * cancels the still-pending ones in one more. An order with no row (a timeout job made outside
 * the orders flow) passes and is not written; a settled one fails; a second run for the same
 * order in the batch sees the first one's cancel.
 */
export class OrderTimeoutGuard implements GuardBatch<TimeoutCheck> {
  constructor(
    private readonly states: OrderStates,
    private readonly clock: Clock,
  ) {}

  async check(tx: StoreTransaction, items: readonly TimeoutCheck[]): Promise<boolean[]> {
    const rows = await this.states.lock(tx, [...new Set(items.map((i) => i.orderId))]);
    const status = new Map([...rows].map(([id, row]) => [id, row.status]));
    const cancels: OrderCancel[] = [];
    const verdicts = items.map(({ orderId, scheduledAt, firedAt }) => {
      const current = status.get(orderId);
      if (current === undefined) return true;
      if (current !== 'pending') return false;
      status.set(orderId, 'cancelled');
      cancels.push({ orderId, runAt: scheduledAt, cancelledAt: firedAt });
      return true;
    });
    await this.states.cancel(tx, cancels, this.clock.now());
    return verdicts;
  }
}

/**
 * 'orders.timeout': the order was not paid in time. The run is guarded: inside its completion
 * transaction it locks the order's row, and only a still-pending order becomes `cancelled` (its
 * firedAt stored as cancelled_at) and lets cancel + restock commit; a paid order emits nothing.
 * A re-run emits the same event ids.
 */
export function orderTimeoutHandler(topics: OrderTopics, states: OrderStates, clock: Clock): ActionHandler {
  const guard = new OrderTimeoutGuard(states, clock);
  return (ctx) => {
    const { orderId, items } = parseArgs(ctx.jobId, ctx.args);
    const cancelId = ctx.eventId('cancel');
    ctx.emit('cancel', {
      topic: topics.cancel,
      key: orderId,
      value: {
        eventId: cancelId,
        orderId,
        reason: 'payment_timeout',
        items: items as unknown as JsonValue,
        scheduledAt: ctx.scheduledAt.toISOString(),
        firedAt: ctx.firedAt.toISOString(),
      },
      headers: { 'x-event-id': cancelId },
    });
    const restockId = ctx.eventId('restock');
    ctx.emit('restock', {
      topic: topics.restock,
      key: orderId,
      value: { eventId: restockId, orderId, items: items as unknown as JsonValue, reason: 'order_cancelled' },
      headers: { 'x-event-id': restockId },
    });
    ctx.guard(guard, { orderId, scheduledAt: ctx.scheduledAt, firedAt: ctx.firedAt });
  };
}

/**
 * `orders.late-payment` for a payment that arrived after the cancel fired: `cancelledAt` is the
 * stored cancellation (the cancel's firedAt). Its id is derived from the fired run (job, scheduled
 * time), so a redelivered payment appends the same event.
 */
export function latePaymentEvent(
  topic: string,
  payment: OrderPayment,
  run: { scheduledAt: Date; cancelledAt: Date },
): OutboxEvent {
  const eventId = eventIdFor(orderTimeoutJobId(payment.orderId), run.scheduledAt, 'late-payment');
  return {
    eventId,
    topic,
    key: payment.orderId,
    value: {
      eventId,
      orderId: payment.orderId,
      paidAt: payment.paidAt.toISOString(),
      cancelledAt: run.cancelledAt.toISOString(),
    },
    headers: { 'x-event-id': eventId },
  };
}
