import type { InboundMessage } from '../messaging/inbound/inbound-message';
import { DEFAULT_BUSY_RETRY, settleWhileBusy, type BusyRetryOptions } from './busy-retry';
import type { OrderCreatedDto, OrderPaidDto } from './dto/order-events.dto';
import { OrderJobBusyError } from './errors';
import type { CreatedOutcome, OrderPayment, OrderToSchedule, PaidOutcome } from './order-state';
import type { OrderStore } from './order-store';

export interface OrdersServiceOptions {
  /** ORDER_PAYMENT_TIMEOUT_SECONDS: used when the event carries no paymentTimeoutSeconds. */
  defaultTimeoutSeconds: number;
  busyRetry?: BusyRetryOptions;
  /** Called after a payment appended a late-payment to the outbox (wakes the relay). */
  onEventsAppended?: () => void;
}

/** Counts of what the handlers did (tests, logs, benchmarks). */
export interface OrdersStats {
  created: Record<CreatedOutcome, number>;
  paid: Record<PaidOutcome, number>;
}

/** The orders domain: turns validated inbound events into OrderStore calls. Framework-free. */
export class OrdersService {
  readonly stats: OrdersStats = {
    created: { scheduled: 0, duplicate: 0, tombstoned: 0 },
    paid: { removed: 0, late: 0, tombstoned: 0, duplicate: 0, busy: 0 },
  };

  constructor(
    private readonly store: OrderStore,
    private readonly options: OrdersServiceOptions,
  ) {}

  /** One bulk write for the whole batch (chunked by the store). */
  async handleCreated(messages: InboundMessage<OrderCreatedDto>[]): Promise<void> {
    if (messages.length === 0) return;
    const outcomes = await this.store.recordCreated(messages.map((m) => this.toSchedule(m)));
    for (const outcome of outcomes) this.stats.created[outcome]++;
  }

  /**
   * Payments one by one, in offset order. One whose job is being fired right now waits for that
   * run to commit (then it is a late payment); if that takes too long the batch is given back to
   * the consumer (OrderJobBusyError is transient: redelivered, never dead-lettered).
   */
  async handlePaid(messages: InboundMessage<OrderPaidDto>[]): Promise<void> {
    const payments: OrderPayment[] = messages.map((m) => ({
      eventId: m.eventId,
      orderId: m.value.orderId,
      paidAt: new Date(m.value.paidAt),
    }));
    const stillBusy = await settleWhileBusy(
      payments,
      async (payment) => {
        const outcome = await this.store.recordPaid(payment);
        this.stats.paid[outcome]++;
        if (outcome === 'late') this.options.onEventsAppended?.();
        return outcome === 'busy' ? 'busy' : 'done';
      },
      this.options.busyRetry ?? DEFAULT_BUSY_RETRY,
    );
    if (stillBusy.length > 0) throw new OrderJobBusyError(stillBusy.map((p) => p.orderId));
  }

  private toSchedule(message: InboundMessage<OrderCreatedDto>): OrderToSchedule {
    const { orderId, createdAt, items, paymentTimeoutSeconds } = message.value;
    const created = new Date(createdAt);
    const timeout = paymentTimeoutSeconds ?? this.options.defaultTimeoutSeconds;
    return {
      eventId: message.eventId,
      orderId,
      createdAt: created,
      runAt: new Date(created.getTime() + timeout * 1000),
      items: items.map((item) => ({ skuId: item.skuId, quantity: item.quantity })),
    };
  }
}
