import type { DataSource } from 'typeorm';

import type { InboundMessage } from '../../../src/messaging/inbound/inbound-message';
import type { OrderCreatedDto, OrderPaidDto } from '../../../src/orders/dto/order-events.dto';
import { MySqlOrderStates } from '../../../src/orders/mysql-order-states';
import { ORDER_TIMEOUT_HANDLER } from '../../../src/orders/order-state';
import { OrderTimeoutGuard, orderTimeoutHandler, type OrderTopics } from '../../../src/orders/order-timeout';
import { OrdersService } from '../../../src/orders/orders.service';
import { FakeClock } from '../../../src/scheduler';
import { createReplica, type Replica, settled, until } from '../persistence/scheduler-replicas';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';

// The orders domain on MariaDB without Kafka: two Scheduler replicas and two OrdersService
// instances (separate pools) under one fake clock; outcomes judged on order_states and outbox rows.

jest.setTimeout(180_000);

const T0 = new Date('2030-05-01T00:00:00.000Z');
const TOPICS: OrderTopics = { cancel: 'c', restock: 'r', latePayment: 'l' };
let seq = 0;

function created(orderId: string, timeoutSeconds: number): InboundMessage<OrderCreatedDto> {
  const value = {
    eventId: `created-${orderId}`,
    orderId,
    createdAt: T0.toISOString(),
    items: [{ skuId: 'sku', quantity: 1 }],
    paymentTimeoutSeconds: timeoutSeconds,
  };
  return {
    topic: 'oc',
    partition: 0,
    offset: String(seq++),
    key: orderId,
    value,
    headers: {},
    eventId: value.eventId,
  };
}

function paid(orderId: string, paidAt: Date): InboundMessage<OrderPaidDto> {
  const value = { eventId: `paid-${orderId}`, orderId, paidAt: paidAt.toISOString() };
  return {
    topic: 'op',
    partition: 0,
    offset: String(seq++),
    key: orderId,
    value,
    headers: {},
    eventId: value.eventId,
  };
}

let database: StoreDatabase;
let clock: FakeClock;
let replicas: Replica[] = [];
let services: OrdersService[] = [];
let pools: DataSource[] = [];

beforeAll(async () => {
  database = await openStoreDatabase('orders_store');
  clock = new FakeClock(T0);
  pools = await Promise.all([database.openPool(6), database.openPool(6)]);
  replicas = pools.map((pool, i) =>
    createReplica(pool, clock, `replica-${i}`, {
      [ORDER_TIMEOUT_HANDLER]: orderTimeoutHandler(TOPICS, new MySqlOrderStates(pool), clock),
    }),
  );
  services = replicas.map(
    (replica) =>
      new OrdersService(replica.scheduler, new MySqlOrderStates(replica.pool), clock, {
        defaultTimeoutSeconds: 1800,
        latePaymentTopic: TOPICS.latePayment,
      }),
  );
  for (const r of replicas) await r.scheduler.start();
});

afterAll(async () => {
  for (const r of replicas) if (r.scheduler.running) await r.scheduler.shutdown({ wait: false });
  await database?.close();
});

async function outboxByKey(prefix: string): Promise<Map<string, string[]>> {
  const rows = (await database.admin.query(
    'SELECT topic, msg_key FROM scheduler_outbox WHERE msg_key LIKE ? ORDER BY id',
    [`${prefix}%`],
  )) as { topic: string; msg_key: string }[];
  const out = new Map<string, string[]>();
  for (const row of rows) out.set(row.msg_key, [...(out.get(row.msg_key) ?? []), row.topic]);
  return out;
}

async function statuses(prefix: string): Promise<Map<string, string>> {
  const rows = (await database.admin.query(
    'SELECT order_id, status FROM order_states WHERE order_id LIKE ?',
    [`${prefix}%`],
  )) as { order_id: string; status: string }[];
  return new Map(rows.map((r) => [r.order_id, r.status]));
}

it('the same orders ingested twice at once (a rebalance) leave one state row and one job each', async () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `dup-${i}`);
  const batch = ids.map((id) => created(id, 100_000));
  await Promise.all([services[0].handleCreated(batch), services[1].handleCreated([...batch].reverse())]);
  const [{ n }] = (await database.admin.query(
    "SELECT COUNT(*) AS n FROM scheduler_jobs WHERE id LIKE 'order-timeout:dup-%'",
  )) as { n: string }[];
  expect(Number(n)).toBe(2000);
  expect([...(await statuses('dup-')).values()].every((s) => s === 'pending')).toBe(true);
  const scheduled = services[0].stats.created.scheduled + services[1].stats.created.scheduled;
  expect(scheduled).toBe(2000);
});

it('payments landing at the timeout instant on two replicas: exactly one outcome per order', async () => {
  const N = 400;
  const ids = Array.from({ length: N }, (_, i) => `race-${i}`);
  await services[0].handleCreated(ids.map((id) => created(id, 60)));
  const due = new Date(T0.getTime() + 60_000);
  await clock.setAsync(new Date(due.getTime() - 1000));
  await settled(database.admin, clock.now());

  // Four streams of payments (two per service); the clock reaches the due time while they flow,
  // so early ones find the job free, later ones meet runs in flight or already committed.
  const streams = [0, 1, 2, 3].map((s) => ids.filter((_, i) => i % 4 === s));
  const settledPayments = (): number =>
    services.reduce((sum, svc) => sum + svc.stats.paid.paid + svc.stats.paid.late, 0);
  const before = settledPayments();
  const paying = Promise.all(
    streams.map(async (stream, s) => {
      for (let i = 0; i < stream.length; i += 10)
        await services[s % 2].handlePaid(stream.slice(i, i + 10).map((id) => paid(id, due)));
    }),
  );
  await until('the first payments', () => settledPayments() - before >= N / 5);
  const firing = clock.setAsync(due);
  await Promise.all([firing, paying]);
  await settled(database.admin, due);

  const events = await outboxByKey('race-');
  const states = await statuses('race-');
  const ran = new Set(
    (
      (await database.admin.query(
        "SELECT job_id FROM scheduler_job_runs WHERE job_id LIKE 'order-timeout:race-%' AND outcome = 'success'",
      )) as { job_id: string }[]
    ).map((r) => r.job_id),
  );
  let removed = 0;
  let late = 0;
  let paidWhileFiring = 0;
  for (const id of ids) {
    const topics = (events.get(id) ?? []).sort();
    if (states.get(id) === 'paid') {
      expect({ id, topics }).toEqual({ id, topics: [] });
      removed++;
      if (ran.has(`order-timeout:${id}`)) paidWhileFiring++;
    } else {
      expect({ id, status: states.get(id), topics }).toEqual({
        id,
        status: 'late_paid',
        topics: ['c', 'l', 'r'],
      });
      late++;
    }
  }
  const [{ n }] = (await database.admin.query(
    "SELECT COUNT(*) AS n FROM scheduler_jobs WHERE id LIKE 'order-timeout:race-%'",
  )) as { n: string }[];
  expect(Number(n)).toBe(0);
  console.info(
    `orders race on MariaDB: ${removed} paid in time (${paidWhileFiring} while their run was in flight), ${late} late`,
  );
  expect(removed + late).toBe(N);
});

it('a late payment for a fired order, redelivered, emits one late-payment with the fired run times', async () => {
  // Created at T0 with a 30 s timeout: already due at the clock's current time.
  await services[0].handleCreated([created('late-1', 30)]);
  const runAt = new Date(T0.getTime() + 30_000);
  await clock.advanceAsync(1000);
  await settled(database.admin, clock.now());
  await until('the cancel', async () => (await outboxByKey('late-1')).get('late-1')?.length === 2);
  await services[1].handlePaid([paid('late-1', clock.now())]);
  await services[0].handlePaid([paid('late-1', clock.now())]);
  const rows = (await database.admin.query(
    "SELECT value FROM scheduler_outbox WHERE topic = 'l' AND msg_key = 'late-1'",
  )) as {
    value: string;
  }[];
  expect(rows).toHaveLength(1);
  const value = JSON.parse(rows[0].value) as { cancelledAt: string; paidAt: string };
  expect(new Date(value.cancelledAt).getTime()).toBeGreaterThanOrEqual(runAt.getTime());
  const [cancel] = (await database.admin.query(
    "SELECT value FROM scheduler_outbox WHERE topic = 'c' AND msg_key = 'late-1'",
  )) as { value: string }[];
  // Exactly the cancel's firedAt, read back from the stored cancellation.
  expect(value.cancelledAt).toBe((JSON.parse(cancel.value) as { firedAt: string }).firedAt);
  expect((await statuses('late-1')).get('late-1')).toBe('late_paid');
});

it('the timeout guard decides a whole completion batch: pending cancelled once, settled and unknown orders as they are', async () => {
  await services[0].handleCreated([created('g-pending', 100_000), created('g-paid', 100_000)]);
  await services[0].handlePaid([paid('g-paid', clock.now())]);
  const states = new MySqlOrderStates(pools[0]);
  const guard = new OrderTimeoutGuard(states, clock);
  const first = { scheduledAt: new Date(T0.getTime() + 1000), firedAt: new Date(T0.getTime() + 1500) };
  const items = [
    { orderId: 'g-pending', ...first },
    { orderId: 'g-paid', ...first },
    { orderId: 'g-unknown', ...first },
    // The same order again in the batch sees the first item's cancel.
    {
      orderId: 'g-pending',
      scheduledAt: new Date(T0.getTime() + 2000),
      firedAt: new Date(T0.getTime() + 2500),
    },
  ];
  const verdicts = await replicas[0].store.transaction((tx) => guard.check(tx, items));
  expect(verdicts).toEqual([true, false, true, false]);
  const rows = (await database.admin.query(
    "SELECT order_id, status, run_at, cancelled_at FROM order_states WHERE order_id LIKE 'g-%' ORDER BY order_id",
  )) as { order_id: string; status: string; run_at: Date | null; cancelled_at: Date | null }[];
  expect(rows.map((r) => [r.order_id, r.status])).toEqual([
    ['g-paid', 'paid'],
    ['g-pending', 'cancelled'],
  ]);
  expect(rows[1].run_at?.toISOString()).toBe(first.scheduledAt.toISOString());
  expect(rows[1].cancelled_at?.toISOString()).toBe(first.firedAt.toISOString());
});

it('a batch mixing new, repeated, redelivered, tombstoned and hand-taken ids: one outcome each, in order', async () => {
  const service = services[0];
  // Already there before the batch: a pending order, a tombstone (paid first), and a job id
  // taken by hand (no order row) that the batch must leave as it is.
  await service.handleCreated([created('mix-old', 100_000)]);
  await service.handlePaid([paid('mix-tomb', T0)]);
  for (const id of ['mix-hand', 'mix-hand2'])
    await replicas[0].scheduler.addJob({
      id: `order-timeout:${id}`,
      name: 'by hand',
      trigger: { type: 'date', runDate: '2090-01-01T00:00:00.000Z' },
      action: { handler: ORDER_TIMEOUT_HANDLER, args: { orderId: id, items: [] } },
    });
  const toSchedule = (id: string): Parameters<OrdersService['recordCreated']>[0][number] => ({
    eventId: `created-${id}`,
    orderId: id,
    createdAt: T0,
    runAt: new Date(T0.getTime() + 100_000_000),
    items: [{ skuId: 'sku', quantity: 1 }],
  });
  const all = ['mix-a', 'mix-old', 'mix-b', 'mix-a', 'mix-tomb', 'mix-hand', 'mix-c'];
  expect(await service.recordCreated(all.map(toSchedule))).toEqual([
    'scheduled',
    'duplicate',
    'scheduled',
    'duplicate',
    'tombstoned',
    'scheduled',
    'scheduled',
  ]);
  // New order ids only (rows inserted without a read; one job id taken by hand), then redelivered.
  const fresh = ['mix-d', 'mix-hand2', 'mix-e'].map(toSchedule);
  expect(await service.recordCreated(fresh)).toEqual(['scheduled', 'scheduled', 'scheduled']);
  expect(await service.recordCreated(fresh)).toEqual(['duplicate', 'duplicate', 'duplicate']);

  expect(Object.fromEntries(await statuses('mix-'))).toEqual({
    'mix-a': 'pending',
    'mix-b': 'pending',
    'mix-c': 'pending',
    'mix-d': 'pending',
    'mix-e': 'pending',
    'mix-hand': 'pending',
    'mix-hand2': 'pending',
    'mix-old': 'pending',
    'mix-tomb': 'paid',
  });
  const jobs = (await database.admin.query(
    "SELECT id, name FROM scheduler_jobs WHERE id LIKE 'order-timeout:mix-%' ORDER BY id",
  )) as { id: string; name: string }[];
  expect(jobs.map((j) => [j.id.slice('order-timeout:'.length), j.name])).toEqual([
    ['mix-a', ORDER_TIMEOUT_HANDLER],
    ['mix-b', ORDER_TIMEOUT_HANDLER],
    ['mix-c', ORDER_TIMEOUT_HANDLER],
    ['mix-d', ORDER_TIMEOUT_HANDLER],
    ['mix-e', ORDER_TIMEOUT_HANDLER],
    ['mix-hand', 'by hand'],
    ['mix-hand2', 'by hand'],
    ['mix-old', ORDER_TIMEOUT_HANDLER],
  ]);
});
