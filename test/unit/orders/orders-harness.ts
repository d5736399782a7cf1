import type { InboundMessage } from '../../../src/messaging/inbound/inbound-message';
import type { OrderCreatedDto, OrderPaidDto } from '../../../src/orders/dto/order-events.dto';
import { ORDER_TIMEOUT_HANDLER, orderTimeoutJobId } from '../../../src/orders/order-state';
import { MemoryOrderStates } from '../../../src/orders/order-states';
import { orderTimeoutHandler, type OrderTopics } from '../../../src/orders/order-timeout';
import { OrdersService } from '../../../src/orders/orders.service';
import { inboundMessage } from '../../support/inbound-message';
import {
  FakeClock,
  MemoryJobStore,
  Scheduler,
  type ActionHandler,
  type StoredOutboxEvent,
} from '../../../src/scheduler';

export const START = new Date('2030-01-01T00:00:00.000Z');
export const TOPICS: OrderTopics = {
  cancel: 'orders.cancel',
  restock: 'inventory.restock',
  latePayment: 'orders.late-payment',
};

export function created(
  orderId: string,
  extra: Partial<OrderCreatedDto> = {},
): InboundMessage<OrderCreatedDto> {
  return inboundMessage<OrderCreatedDto>('orders.created', {
    eventId: `created-${orderId}`,
    orderId,
    createdAt: START.toISOString(),
    items: [{ skuId: `sku-${orderId}`, quantity: 2 }],
    ...extra,
  });
}

export function paid(
  orderId: string,
  paidAt: Date,
  eventId = `paid-${orderId}`,
): InboundMessage<OrderPaidDto> {
  return inboundMessage<OrderPaidDto>('orders.paid', { eventId, orderId, paidAt: paidAt.toISOString() });
}

/**
 * The orders domain on the engine in memory: FakeClock, MemoryJobStore, Scheduler with the real
 * 'orders.timeout' handler (optionally wrapped, to hold a run mid-flight), MemoryOrderStates.
 */
export function createOrdersHarness(
  options: { wrap?: (handler: ActionHandler) => ActionHandler; timeoutSeconds?: number } = {},
) {
  const clock = new FakeClock(START);
  const store = new MemoryJobStore({ clock });
  const scheduler = new Scheduler({
    store,
    clock,
    owner: 'replica-1',
    batchSize: 500,
    maxConcurrency: 500,
    // Adds wake the loop; a long poll keeps an hour of fake time to a few dozen ticks.
    maxPollMs: 60_000,
  });
  const orders = new MemoryOrderStates();
  const handler = orderTimeoutHandler(TOPICS, orders, clock);
  scheduler.registerHandler(ORDER_TIMEOUT_HANDLER, options.wrap ? options.wrap(handler) : handler);
  const service = new OrdersService(scheduler, orders, clock, {
    defaultTimeoutSeconds: options.timeoutSeconds ?? 1800,
    latePaymentTopic: TOPICS.latePayment,
  });
  const outbox = async (topic?: string): Promise<StoredOutboxEvent[]> =>
    (await store.fetchUnsent(1_000_000)).filter((e) => topic === undefined || e.topic === topic);
  return {
    clock,
    store,
    scheduler,
    orders,
    service,
    outbox,
    job: (orderId: string) => store.getJob(orderTimeoutJobId(orderId)),
    async stop(): Promise<void> {
      if (scheduler.running) await scheduler.shutdown({ wait: true });
    },
  };
}

export type OrdersHarness = ReturnType<typeof createOrdersHarness>;

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
