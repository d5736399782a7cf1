import { eventIdFor } from '../../../src/scheduler/outbox';
import type { JsonValue } from '../../../src/scheduler/job';
import { type BenchTopics, ITEMS } from '../plan';

export interface OrderTimeoutMessage {
  topic: string;
  key: string;
  eventId: string;
  value: { [key: string]: JsonValue };
}

/**
 * The two messages every system produces when an order's payment timeout fires: `orders.cancel`
 * then `inventory.restock`, with the service's deterministic event ids (DESIGN section 6).
 */
export function orderTimeoutMessages(
  topics: BenchTopics,
  orderId: string,
  scheduledAt: Date,
  firedAt: Date,
): [OrderTimeoutMessage, OrderTimeoutMessage] {
  const cancelId = eventIdFor(orderId, scheduledAt, 'cancel');
  const restockId = eventIdFor(orderId, scheduledAt, 'restock');
  return [
    {
      topic: topics.cancel,
      key: orderId,
      eventId: cancelId,
      value: {
        eventId: cancelId,
        orderId,
        reason: 'payment_timeout',
        items: ITEMS,
        scheduledAt: scheduledAt.toISOString(),
        firedAt: firedAt.toISOString(),
      },
    },
    {
      topic: topics.restock,
      key: orderId,
      eventId: restockId,
      value: { eventId: restockId, orderId, items: ITEMS, reason: 'order_cancelled' },
    },
  ];
}
