import type { InboundMessage } from '../messaging/inbound/inbound-message';
import type { Clock, Scheduler, SchedulerTransaction } from '../scheduler';
import type { OrderCreatedDto, OrderPaidDto } from './dto/order-events.dto';
import {
  orderTimeoutJobId,
  type CreatedOutcome,
  type OrderPayment,
  type OrderStatus,
  type OrderToSchedule,
  type PaidOutcome,
} from './order-state';
import type { NewOrderRow, OrderStates } from './order-states';
import { latePaymentEvent, orderTimeoutJob } from './order-timeout';

export interface OrdersServiceOptions {
  /** ORDER_PAYMENT_TIMEOUT_SECONDS: used when the event carries no paymentTimeoutSeconds. */
  defaultTimeoutSeconds: number;
  latePaymentTopic: string;
}

/** Counts of what the handlers did (tests, logs, benchmarks). */
export interface OrdersStats {
  created: Record<CreatedOutcome, number>;
  paid: Record<PaidOutcome, number>;
}

/** The row of an order seen for the first time. */
function pendingRow(order: OrderToSchedule): NewOrderRow {
  return {
    orderId: order.orderId,
    status: 'pending',
    createdEventId: order.eventId,
    paidEventId: null,
    orderCreatedAt: order.createdAt,
    runAt: order.runAt,
    paidAt: null,
    cancelledAt: null,
  };
}

/** Orders per unit of work: one multi-row insert for their rows and one for their jobs. */
const CREATED_CHUNK = 1000;

/**
 * The orders domain, the same code in every mode (MySQL or memory: only OrderStates differs).
 * Each inbound event is one unit of work on the scheduler: the order's row is locked, the
 * transition written and the timeout job added or removed in the same commit. Framework-free.
 */
export class OrdersService {
  readonly stats: OrdersStats = {
    created: { scheduled: 0, duplicate: 0, tombstoned: 0 },
    paid: { paid: 0, late: 0, tombstoned: 0, duplicate: 0 },
  };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly states: OrderStates,
    private readonly clock: Clock,
    private readonly options: OrdersServiceOptions,
  ) {}

  async handleCreated(messages: InboundMessage<OrderCreatedDto>[]): Promise<void> {
    await this.recordCreated(messages.map((m) => this.toSchedule(m)));
  }

  /** Payments one by one, in offset order; none waits for a timeout being fired. */
  async handlePaid(messages: InboundMessage<OrderPaidDto>[]): Promise<void> {
    for (const m of messages)
      await this.recordPaid({
        eventId: m.eventId,
        orderId: m.value.orderId,
        paidAt: new Date(m.value.paidAt),
      });
  }

  /** Orders seen for the first time get a row and a timeout job; one outcome per input, in order. */
  async recordCreated(orders: OrderToSchedule[]): Promise<CreatedOutcome[]> {
    const outcomes: CreatedOutcome[] = [];
    for (let i = 0; i < orders.length; i += CREATED_CHUNK) {
      const chunk = orders.slice(i, i + CREATED_CHUNK);
      outcomes.push(...(await this.scheduler.transaction((tx) => this.createIn(tx, chunk))));
    }
    for (const outcome of outcomes) this.stats.created[outcome]++;
    return outcomes;
  }

  /** Settle one payment (see PaidOutcome). */
  async recordPaid(payment: OrderPayment): Promise<PaidOutcome> {
    const outcome = await this.scheduler.transaction((tx) => this.payIn(tx, payment));
    this.stats.paid[outcome]++;
    return outcome;
  }

  /** The committed status, or null (tests, diagnostics). */
  getStatus(orderId: string): Promise<OrderStatus | null> {
    return this.states.getStatus(orderId);
  }

  private async createIn(tx: SchedulerTransaction, orders: OrderToSchedule[]): Promise<CreatedOutcome[]> {
    const now = this.clock.now();
    // The usual batch: orders never seen, each once. Their rows go in without reading first; one
    // taken id (a redelivery, a tombstone, a concurrent writer's row) inserts nothing, and the
    // batch is sorted order by order below.
    const ids = new Set(orders.map((o) => o.orderId));
    if (
      ids.size === orders.length &&
      (await this.states.insertIfNone(tx.store, orders.map(pendingRow), now))
    ) {
      await tx.addJobs(orders.map(orderTimeoutJob));
      return orders.map(() => 'scheduled');
    }
    const known = new Map(
      [
        ...(await this.states.lock(
          tx.store,
          orders.map((o) => o.orderId),
        )),
      ].map(([id, row]) => [id, row.status]),
    );
    const outcomes: CreatedOutcome[] = [];
    const fresh: OrderToSchedule[] = [];
    for (const order of orders) {
      const status = known.get(order.orderId);
      if (status === undefined) {
        fresh.push(order);
        known.set(order.orderId, 'pending');
        outcomes.push('scheduled');
      } else if (status === 'paid_before_created') {
        await this.states.update(
          tx.store,
          order.orderId,
          { status: 'paid', createdEventId: order.eventId, orderCreatedAt: order.createdAt },
          now,
        );
        known.set(order.orderId, 'paid');
        outcomes.push('tombstoned');
      } else {
        outcomes.push('duplicate');
      }
    }
    await this.states.insert(tx.store, fresh.map(pendingRow), now);
    // A job id taken without an order row (made by hand) is left as it is.
    await tx.addJobs(fresh.map(orderTimeoutJob));
    return outcomes;
  }

  private async payIn(tx: SchedulerTransaction, payment: OrderPayment): Promise<PaidOutcome> {
    const now = this.clock.now();
    const row = (await this.states.lock(tx.store, [payment.orderId])).get(payment.orderId);
    if (!row) {
      await this.states.insert(
        tx.store,
        [
          {
            orderId: payment.orderId,
            status: 'paid_before_created',
            createdEventId: null,
            paidEventId: payment.eventId,
            orderCreatedAt: null,
            runAt: null,
            paidAt: payment.paidAt,
            cancelledAt: null,
          },
        ],
        now,
      );
      return 'tombstoned';
    }
    if (row.status === 'pending') {
      await this.states.update(
        tx.store,
        payment.orderId,
        { status: 'paid', paidEventId: payment.eventId, paidAt: payment.paidAt },
        now,
      );
      // A run being fired now (or held by a dead replica) is left alone: its guard finds `paid`.
      await tx.removeJob(orderTimeoutJobId(payment.orderId), { ifFree: true });
      return 'paid';
    }
    if (row.status === 'cancelled' && row.cancelledAt !== null) {
      const scheduledAt = row.runAt ?? row.cancelledAt;
      await tx.appendEvents([
        latePaymentEvent(this.options.latePaymentTopic, payment, {
          scheduledAt,
          cancelledAt: row.cancelledAt,
        }),
      ]);
      await this.states.update(
        tx.store,
        payment.orderId,
        { status: 'late_paid', paidEventId: payment.eventId, paidAt: payment.paidAt },
        now,
      );
      return 'late';
    }
    return 'duplicate';
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
