import {
  eventIdFor,
  type ActionHandler,
  type AddJobInput,
  type Clock,
  type JsonValue,
  type OutboxEvent,
} from '../scheduler';
import { InvalidOrderJobArgsError } from './errors';
import {
  ORDER_TIMEOUT_HANDLER,
  orderTimeoutJobId,
  type OrderItem,
  type OrderPayment,
  type OrderToSchedule,
} from './order-state';
import type { OrderStates } from './order-states';

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

/**
 * 'orders.timeout': the order was not paid in time. The run is guarded: inside its completion
 * transaction it locks the order's row, and only a still-pending order becomes `cancelled` (its
 * firedAt stored as cancelled_at) and lets cancel + restock commit; a paid order emits nothing.
 * A re-run emits the same event ids.
 */
export function orderTimeoutHandler(topics: OrderTopics, states: OrderStates, clock: Clock): ActionHandler {
  return (ctx) => {
    const { orderId, items } = parseArgs(ctx.jobId, ctx.args);
    const cancelId = eventIdFor(ctx.jobId, ctx.scheduledAt, 'cancel');
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
    const restockId = eventIdFor(ctx.jobId, ctx.scheduledAt, 'restock');
    ctx.emit('restock', {
      topic: topics.restock,
      key: orderId,
      value: { eventId: restockId, orderId, items: items as unknown as JsonValue, reason: 'order_cancelled' },
      headers: { 'x-event-id': restockId },
    });
    ctx.guard(async (tx) => {
      const row = (await states.lock(tx, [orderId])).get(orderId);
      // No row: a timeout job made outside the orders flow (by hand); nothing to guard.
      if (!row) return true;
      if (row.status !== 'pending') return false;
      await states.update(
        tx,
        orderId,
        { status: 'cancelled', runAt: ctx.scheduledAt, cancelledAt: ctx.firedAt },
        clock.now(),
      );
      return true;
    });
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
