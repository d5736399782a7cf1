import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import { eventIdFor, FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { body, TopicWatch } from './kafka-output';
import {
  bootService,
  countJobs,
  dataSource,
  eventually,
  orderStatuses,
  ordersService,
  quiet,
  uniqueServiceTopics,
  type ServiceTopics,
} from './order-app';

// The order flow end to end: the service booted against the real MariaDB and Kafka broker, a fake
// clock driving business time, inbound events produced to Kafka, outcomes read back from Kafka.

jest.setTimeout(180_000);

const T0 = new Date('2030-06-01T00:00:00.000Z');
const TIMEOUT = 60;
let db: TestDatabase;
let topics: ServiceTopics;
let clock: FakeClock;
let app: INestApplication;
let ds: DataSource;
let cancel: TopicWatch;
let restock: TopicWatch;
let late: TopicWatch;
let dlq: TopicWatch;

const items = (id: string) => [{ skuId: `sku-${id}`, quantity: 2 }];
const createdMsg = (id: string, eventId = `c-${id}`) => ({
  key: id,
  value: {
    eventId,
    orderId: id,
    createdAt: clock.now().toISOString(),
    items: items(id),
    paymentTimeoutSeconds: TIMEOUT,
  },
});
const paidMsg = (id: string, eventId = `p-${id}`) => ({
  key: id,
  value: { eventId, orderId: id, paidAt: clock.now().toISOString() },
});

async function statusesAre(
  prefix: string,
  count: number,
  accept: (s: string) => boolean,
): Promise<Map<string, string>> {
  return eventually(`${count} orders ${prefix}* settled`, async () => {
    const s = await orderStatuses(ds, prefix);
    return s.size === count && [...s.values()].every(accept) ? s : undefined;
  });
}

/** Moves business time and waits until every run due by then committed and was relayed. */
async function advanceTo(at: Date): Promise<void> {
  await clock.setAsync(at);
  await quiet(ds, at);
}

beforeAll(async () => {
  db = await createTestDatabase('orders_kafka');
  topics = uniqueServiceTopics('ok');
  await createTopics(
    [
      ...Object.values(topics),
      `${topics.TOPIC_ORDERS_CREATED}.dlq`,
      `${topics.TOPIC_ORDERS_PAID}.dlq`,
      `${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`,
    ],
    3,
  );
  [cancel, restock, late, dlq] = await Promise.all([
    TopicWatch.start(topics.TOPIC_ORDERS_CANCEL),
    TopicWatch.start(topics.TOPIC_INVENTORY_RESTOCK),
    TopicWatch.start(topics.TOPIC_ORDERS_LATE_PAYMENT),
    TopicWatch.start(`${topics.TOPIC_ORDERS_CREATED}.dlq`),
  ]);
  clock = new FakeClock(T0);
  app = await bootService({
    databaseUrl: db.url,
    topics,
    groupId: uniqueTopic('orders-kafka'),
    replicaId: 'ok-1',
    clock,
  });
  ds = dataSource(app);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([cancel, restock, late, dlq].map((w) => w?.stop()));
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('created → cancel + restock on Kafka once the timeout passes (not before), keyed by order id', async () => {
  const ids = ['flow-1', 'flow-2', 'flow-3'];
  const createdAt = clock.now();
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    ids.map((id) => createdMsg(id)),
  );
  await statusesAre('flow-', 3, (s) => s === 'pending');
  await advanceTo(new Date(createdAt.getTime() + TIMEOUT * 1000 - 1));
  expect(cancel.withKeyPrefix('flow-')).toEqual([]);
  const due = new Date(createdAt.getTime() + TIMEOUT * 1000);
  await advanceTo(due);
  const cancels = await cancel.waitFor('flow-', 3);
  const restocks = await restock.waitFor('flow-', 3);
  for (const id of ids) {
    const jobId = `order-timeout:${id}`;
    const [c] = cancels.filter((m) => m.key === id);
    expect(body(c)).toEqual({
      eventId: eventIdFor(jobId, due, 'cancel'),
      orderId: id,
      reason: 'payment_timeout',
      items: items(id),
      scheduledAt: due.toISOString(),
      firedAt: expect.any(String),
    });
    expect(c.headers['x-event-id']).toBe(eventIdFor(jobId, due, 'cancel'));
    const [r] = restocks.filter((m) => m.key === id);
    expect(body(r)).toEqual({
      eventId: eventIdFor(jobId, due, 'restock'),
      orderId: id,
      items: items(id),
      reason: 'order_cancelled',
    });
    expect(r.headers['x-event-id']).toBe(eventIdFor(jobId, due, 'restock'));
  }
  expect(await countJobs(ds, 'order-timeout:flow-')).toBe(0);
  expect(ordersService(app).stats.created.scheduled).toBeGreaterThanOrEqual(3);
});

it('paid in time: the job is removed and no cancel ever appears (a control order is cancelled)', async () => {
  const start = clock.now();
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [
    createdMsg('intime-paid'),
    createdMsg('intime-control'),
  ]);
  await statusesAre('intime-', 2, (s) => s === 'pending');
  await clock.advanceAsync(30_000);
  await produceMessages(topics.TOPIC_ORDERS_PAID, [paidMsg('intime-paid')]);
  await eventually('the payment', async () =>
    (await orderStatuses(ds, 'intime-paid')).get('intime-paid') === 'paid' ? true : undefined,
  );
  expect(await countJobs(ds, 'order-timeout:intime-paid')).toBe(0);
  await advanceTo(new Date(start.getTime() + 2 * TIMEOUT * 1000));
  await cancel.waitFor('intime-control', 1);
  await restock.waitFor('intime-control', 1);
  expect(cancel.withKey('intime-paid')).toEqual([]);
  expect(restock.withKey('intime-paid')).toEqual([]);
  expect(late.withKey('intime-paid')).toEqual([]);
});

it('paid late: cancel + restock, then orders.late-payment with paidAt and cancelledAt', async () => {
  const start = clock.now();
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [createdMsg('late-1')]);
  await statusesAre('late-1', 1, (s) => s === 'pending');
  await advanceTo(new Date(start.getTime() + TIMEOUT * 1000));
  const [c] = await cancel.waitFor('late-1', 1);
  await clock.advanceAsync(5_000);
  const payment = paidMsg('late-1');
  await produceMessages(topics.TOPIC_ORDERS_PAID, [payment]);
  const [l] = await late.waitFor('late-1', 1);
  const due = new Date(start.getTime() + TIMEOUT * 1000);
  const eventId = eventIdFor('order-timeout:late-1', due, 'late-payment');
  expect(body(l)).toEqual({
    eventId,
    orderId: 'late-1',
    paidAt: payment.value.paidAt,
    cancelledAt: body<{ firedAt: string }>(c).firedAt,
  });
  expect(l.headers['x-event-id']).toBe(eventId);
  expect((await orderStatuses(ds, 'late-1')).get('late-1')).toBe('late_paid');
});

it('paid before created leaves a tombstone: the later create schedules nothing', async () => {
  const start = clock.now();
  await produceMessages(topics.TOPIC_ORDERS_PAID, [paidMsg('early-1')]);
  await statusesAre('early-', 1, (s) => s === 'paid_before_created');
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [createdMsg('early-1'), createdMsg('early-control')]);
  await statusesAre('early-', 2, (s) => s !== 'paid_before_created');
  expect((await orderStatuses(ds, 'early-1')).get('early-1')).toBe('paid');
  expect(await countJobs(ds, 'order-timeout:early-1')).toBe(0);
  await advanceTo(new Date(start.getTime() + TIMEOUT * 1000));
  await cancel.waitFor('early-control', 1);
  expect(cancel.withKey('early-1')).toEqual([]);
});

it('duplicates and redeliveries change nothing: one job, one cancel, one late-payment, no rescheduling', async () => {
  const start = clock.now();
  const first = createdMsg('dup-1');
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [first, first, createdMsg('dup-1', 'another-event-id')]);
  await statusesAre('dup-1', 1, (s) => s === 'pending');
  await eventually('all three creates consumed', async () =>
    ordersService(app).stats.created.duplicate >= 2 ? true : undefined,
  );
  expect(await countJobs(ds, 'order-timeout:dup-1')).toBe(1);
  await advanceTo(new Date(start.getTime() + TIMEOUT * 1000));
  await cancel.waitFor('dup-1', 1);
  const payment = paidMsg('dup-1');
  await produceMessages(topics.TOPIC_ORDERS_PAID, [payment, payment, paidMsg('dup-1', 'another-payment')]);
  await late.waitFor('dup-1', 1);
  // Redelivered create after the cancel: not scheduled again.
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [first, createdMsg('dup-control')]);
  await statusesAre('dup-control', 1, (s) => s === 'pending');
  await advanceTo(new Date(clock.now().getTime() + TIMEOUT * 1000));
  await cancel.waitFor('dup-control', 1);
  expect(await countJobs(ds, 'order-timeout:dup-1')).toBe(0);
  expect(cancel.withKey('dup-1')).toHaveLength(1);
  expect(restock.withKey('dup-1')).toHaveLength(1);
  expect(late.withKey('dup-1')).toHaveLength(1);
});

it('poison messages go to the .dlq naming the error, and the partition keeps flowing', async () => {
  const p = { partition: 1 };
  await produceMessages(topics.TOPIC_ORDERS_CREATED, [
    { key: 'poison-1', value: '{not json', ...p },
    { key: 'poison-2', value: { ...createdMsg('poison-2').value, createdAt: '2025-02-30T10:00:00Z' }, ...p },
    {
      key: 'poison-3',
      value: { ...createdMsg('poison-3').value, items: [{ skuId: 's', quantity: -1 }] },
      ...p,
    },
    { key: 'poison-ok', value: createdMsg('poison-ok').value, ...p },
  ]);
  await statusesAre('poison-ok', 1, (s) => s === 'pending');
  const dead = await dlq.waitFor('poison-', 3);
  const byKey = new Map(dead.map((m) => [m.key, m]));
  expect(byKey.get('poison-1')?.headers['x-dlq-error-code']).toBe('INVALID_JSON');
  expect(byKey.get('poison-1')?.value).toBe('{not json');
  expect(byKey.get('poison-2')?.headers['x-dlq-error']).toContain('createdAt');
  expect(byKey.get('poison-3')?.headers['x-dlq-error']).toContain('items.0.quantity');
  for (const m of dead) {
    expect(m.headers['x-dlq-source-topic']).toBe(topics.TOPIC_ORDERS_CREATED);
    expect(m.headers['x-dlq-source-partition']).toBe('1');
  }
  expect((await orderStatuses(ds, 'poison-')).size).toBe(1);
});

it('300 payments landing at the timeout instant: for each order exactly one outcome, judged on Kafka', async () => {
  const N = 300;
  const ids = Array.from({ length: N }, (_, i) => `race-${i}`);
  const start = clock.now();
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    ids.map((id) => createdMsg(id)),
  );
  await statusesAre('race-', N, (s) => s === 'pending');
  const due = new Date(start.getTime() + TIMEOUT * 1000);
  await advanceTo(new Date(due.getTime() - 1));
  // The clock reaches the due time while the payments are being consumed: early ones find the job
  // free, later ones meet runs in flight (leased) or already committed.
  const stats = ordersService(app).stats.paid;
  const settledBefore = stats.paid + stats.late;
  const paying = produceMessages(
    topics.TOPIC_ORDERS_PAID,
    ids.map((id) => ({ key: id, value: { eventId: `p-${id}`, orderId: id, paidAt: due.toISOString() } })),
  );
  await eventually('the first payments', async () =>
    stats.paid + stats.late - settledBefore >= N / 4 ? true : undefined,
  );
  await clock.setAsync(due);
  await paying;
  const states = await statusesAre('race-', N, (s) => s === 'paid' || s === 'late_paid');
  await quiet(ds, due);
  const lateIds = ids.filter((id) => states.get(id) === 'late_paid');
  await cancel.waitFor('race-', lateIds.length);
  await restock.waitFor('race-', lateIds.length);
  await late.waitFor('race-', lateIds.length);
  for (const id of ids) {
    const seen = [cancel.withKey(id).length, restock.withKey(id).length, late.withKey(id).length];
    expect({ id, seen }).toEqual({ id, seen: states.get(id) === 'late_paid' ? [1, 1, 1] : [0, 0, 0] });
  }
  expect(await countJobs(ds, 'order-timeout:race-')).toBe(0);
  console.info(
    `orders race over Kafka: ${N - lateIds.length} paid in time, ${lateIds.length} cancelled then paid late`,
  );
});
