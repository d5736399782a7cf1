import { eventIdFor } from '../../../src/scheduler';
import { orderTimeoutJobId } from '../../../src/orders/order-state';
import {
  created,
  createOrdersHarness,
  deferred,
  paid,
  START,
  TOPICS,
  type OrdersHarness,
} from './orders-harness';

const at = (seconds: number): Date => new Date(START.getTime() + seconds * 1000);

describe('orders: timeout, payment, tombstone, duplicates (memory store, fake clock)', () => {
  let h: OrdersHarness;

  afterEach(async () => {
    await h?.stop();
  });

  it('schedules order-timeout:<id> at createdAt + ORDER_PAYMENT_TIMEOUT_SECONDS with the items in its args', async () => {
    h = createOrdersHarness();
    await h.service.handleCreated([created('o1')]);
    const job = await h.job('o1');
    expect(job).toMatchObject({
      id: 'order-timeout:o1',
      trigger: { type: 'date', runDate: at(1800).toISOString() },
      action: {
        handler: 'orders.timeout',
        args: { orderId: 'o1', items: [{ skuId: 'sku-o1', quantity: 2 }] },
      },
      nextRunTime: at(1800),
      misfireGraceTime: null,
    });
    expect(await h.orders.getStatus('o1')).toBe('pending');
  });

  it('uses the per-message paymentTimeoutSeconds when given', async () => {
    h = createOrdersHarness();
    await h.service.handleCreated([created('o1', { paymentTimeoutSeconds: 60 })]);
    expect((await h.job('o1'))?.nextRunTime).toEqual(at(60));
  });

  it('emits cancel and restock (keyed by order id, deterministic ids) when unpaid after the timeout', async () => {
    h = createOrdersHarness();
    await h.scheduler.start();
    await h.service.handleCreated([created('o1', { paymentTimeoutSeconds: 600 })]);
    await h.clock.advanceAsync(599_999);
    expect(await h.outbox()).toEqual([]);
    await h.clock.advanceAsync(1);
    const jobId = orderTimeoutJobId('o1');
    const cancelId = eventIdFor(jobId, at(600), 'cancel');
    const restockId = eventIdFor(jobId, at(600), 'restock');
    const [cancel] = await h.outbox(TOPICS.cancel);
    const [restock] = await h.outbox(TOPICS.restock);
    expect(cancel).toMatchObject({
      eventId: cancelId,
      key: 'o1',
      headers: { 'x-event-id': cancelId },
      value: {
        eventId: cancelId,
        orderId: 'o1',
        reason: 'payment_timeout',
        items: [{ skuId: 'sku-o1', quantity: 2 }],
        scheduledAt: at(600).toISOString(),
        firedAt: at(600).toISOString(),
      },
    });
    expect(restock).toMatchObject({
      eventId: restockId,
      key: 'o1',
      value: {
        eventId: restockId,
        orderId: 'o1',
        items: [{ skuId: 'sku-o1', quantity: 2 }],
        reason: 'order_cancelled',
      },
    });
    expect(await h.job('o1')).toBeNull();
    expect(await h.outbox()).toHaveLength(2);
  });

  it('paid in time: removes the job, nothing is ever emitted', async () => {
    h = createOrdersHarness();
    await h.scheduler.start();
    await h.service.handleCreated([created('o1')]);
    await h.clock.advanceAsync(1000_000);
    await h.service.handlePaid([paid('o1', h.clock.now())]);
    expect(await h.job('o1')).toBeNull();
    expect(await h.orders.getStatus('o1')).toBe('paid');
    await h.clock.advanceAsync(3_600_000);
    expect(await h.outbox()).toEqual([]);
    expect(h.service.stats.paid.paid).toBe(1);
  });

  it('paid late: cancel and restock, then late-payment with paidAt and cancelledAt', async () => {
    h = createOrdersHarness();
    await h.scheduler.start();
    await h.service.handleCreated([created('o1')]);
    await h.clock.advanceAsync(1800_000);
    expect(await h.outbox(TOPICS.cancel)).toHaveLength(1);
    await h.clock.advanceAsync(5_000);
    await h.service.handlePaid([paid('o1', at(1801))]);
    const latePaymentId = eventIdFor(orderTimeoutJobId('o1'), at(1800), 'late-payment');
    const [late] = await h.outbox(TOPICS.latePayment);
    expect(late).toMatchObject({
      eventId: latePaymentId,
      key: 'o1',
      headers: { 'x-event-id': latePaymentId },
      value: {
        eventId: latePaymentId,
        orderId: 'o1',
        paidAt: at(1801).toISOString(),
        cancelledAt: at(1800).toISOString(),
      },
    });
    expect(await h.orders.getStatus('o1')).toBe('late_paid');
    // Redelivered payment: nothing more.
    await h.service.handlePaid([paid('o1', at(1801)), paid('o1', at(1802), 'another-paid-event')]);
    expect(await h.outbox(TOPICS.latePayment)).toHaveLength(1);
  });

  it('paid before created leaves a tombstone: the later create schedules nothing', async () => {
    h = createOrdersHarness();
    await h.scheduler.start();
    await h.service.handlePaid([paid('o1', START)]);
    expect(await h.orders.getStatus('o1')).toBe('paid_before_created');
    await h.service.handleCreated([created('o1')]);
    expect(await h.job('o1')).toBeNull();
    expect(await h.orders.getStatus('o1')).toBe('paid');
    await h.clock.advanceAsync(3_600_000);
    expect(await h.outbox()).toEqual([]);
    expect(h.service.stats.created.tombstoned).toBe(1);
  });

  it('duplicated and redelivered creates keep one job; a create redelivered after cancel or payment schedules nothing', async () => {
    h = createOrdersHarness();
    await h.scheduler.start();
    await h.service.handleCreated([
      created('a'),
      created('a'),
      created('a', { eventId: 'other-id' }),
      created('b'),
    ]);
    expect((await h.store.getJobs()).map((j) => j.id)).toEqual(['order-timeout:a', 'order-timeout:b']);
    await h.service.handlePaid([paid('b', START)]);
    await h.clock.advanceAsync(1800_000);
    expect(await h.outbox(TOPICS.cancel)).toHaveLength(1);
    // 'a' was cancelled, 'b' paid: redeliveries change nothing.
    await h.service.handleCreated([created('a'), created('b')]);
    expect(await h.store.getJobs()).toEqual([]);
    await h.clock.advanceAsync(3_600_000);
    expect(await h.outbox()).toHaveLength(2);
    expect(h.service.stats.created).toEqual({ scheduled: 2, duplicate: 4, tombstoned: 0 });
  });

  it('a payment during the run wins at once: the guarded run finds the order paid and emits nothing', async () => {
    const gate = deferred();
    const started = deferred();
    h = createOrdersHarness({
      wrap: (handler) => async (ctx) => {
        started.resolve();
        await gate.promise;
        await handler(ctx);
      },
    });
    await h.scheduler.start();
    await h.service.handleCreated([created('o1', { paymentTimeoutSeconds: 10 })]);
    const firing = h.clock.advanceAsync(10_000);
    await started.promise;
    // The job is leased and its run in flight: the payment neither waits nor removes it.
    await h.service.handlePaid([paid('o1', at(10))]);
    expect(h.service.stats.paid.paid).toBe(1);
    expect(await h.orders.getStatus('o1')).toBe('paid');
    expect(await h.job('o1')).not.toBeNull();
    gate.resolve();
    await firing;
    await h.clock.advanceAsync(1_000);
    expect(await h.job('o1')).toBeNull();
    const [run] = await h.store.getRunHistory(orderTimeoutJobId('o1'), 1);
    expect(run.outcome).toBe('success');
    expect(await h.outbox()).toEqual([]);
    expect(await h.orders.getStatus('o1')).toBe('paid');
  });

  it('a payment never waits on a run that does not finish (a stuck or dead replica)', async () => {
    h = createOrdersHarness({ wrap: () => () => new Promise<void>(() => {}) });
    await h.scheduler.start();
    await h.service.handleCreated([created('o1', { paymentTimeoutSeconds: 10 })]);
    await h.clock.advanceAsync(10_000);
    expect(await h.job('o1')).not.toBeNull();
    await h.service.handlePaid([paid('o1', at(10))]);
    expect(await h.orders.getStatus('o1')).toBe('paid');
    expect(await h.outbox()).toEqual([]);
    await h.scheduler.shutdown({ wait: false });
  });

  it("late-payment.cancelledAt is the stored cancel's firedAt, even when the run started late", async () => {
    h = createOrdersHarness();
    await h.service.handleCreated([created('o1', { paymentTimeoutSeconds: 10 })]);
    // The scheduler starts 7 s after the due time: firedAt differs from scheduledAt.
    await h.clock.advanceAsync(17_000);
    await h.scheduler.start();
    await h.clock.advanceAsync(1);
    const [cancel] = await h.outbox(TOPICS.cancel);
    const firedAt = (cancel.value as { firedAt: string }).firedAt;
    expect(firedAt).not.toBe(at(10).toISOString());
    await h.service.handlePaid([paid('o1', at(20))]);
    const [late] = await h.outbox(TOPICS.latePayment);
    expect((late.value as { cancelledAt: string }).cancelledAt).toBe(firedAt);
    expect(await h.orders.getStatus('o1')).toBe('late_paid');
  });
});
