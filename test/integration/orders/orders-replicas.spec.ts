import type { INestApplication } from '@nestjs/common';

import { InboundConsumer } from '../../../src/messaging/inbound/inbound-consumer';
import { FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { TopicWatch } from './kafka-output';
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

// Service instances coming and going on one database and one consumer group: a restart mid-flow
// loses nothing, and two instances share the partitions and the firing, each order handled once.

jest.setTimeout(240_000);

const T0 = new Date('2030-07-01T00:00:00.000Z');
const TIMEOUT = 60;
let db: TestDatabase;
const apps: INestApplication[] = [];
const watches: TopicWatch[] = [];
const allTopics: string[] = [];

async function topicsFor(label: string): Promise<ServiceTopics> {
  const topics = uniqueServiceTopics(label);
  const names = [
    ...Object.values(topics),
    `${topics.TOPIC_ORDERS_CREATED}.dlq`,
    `${topics.TOPIC_ORDERS_PAID}.dlq`,
  ];
  await createTopics(names, 3);
  allTopics.push(...names);
  return topics;
}

async function watch(topic: string): Promise<TopicWatch> {
  const w = await TopicWatch.start(topic);
  watches.push(w);
  return w;
}

const created = (id: string, at: Date) => ({
  key: id,
  value: {
    eventId: `c-${id}`,
    orderId: id,
    createdAt: at.toISOString(),
    items: [{ skuId: 's', quantity: 1 }],
    paymentTimeoutSeconds: TIMEOUT,
  },
});
const paid = (id: string, at: Date) => ({
  key: id,
  value: { eventId: `p-${id}`, orderId: id, paidAt: at.toISOString() },
});

async function boot(
  topics: ServiceTopics,
  groupId: string,
  replicaId: string,
  clock: FakeClock,
): Promise<INestApplication> {
  const app = await bootService({ databaseUrl: db.url, topics, groupId, replicaId, clock });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  db = await createTestDatabase('orders_replicas');
});

afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  await Promise.all(watches.map((w) => w.stop()));
  await deleteTopics(allTopics).catch(() => undefined);
  await db?.drop();
});

it('a restart mid-flow loses nothing: events sent while down are handled by the next instance', async () => {
  const topics = await topicsFor('restart');
  const group = uniqueTopic('restart-group');
  const cancel = await watch(topics.TOPIC_ORDERS_CANCEL);
  const first = Array.from({ length: 100 }, (_, i) => `rs-a${i}`);
  const second = Array.from({ length: 100 }, (_, i) => `rs-b${i}`);

  const clockA = new FakeClock(T0);
  const a = await boot(topics, group, 'restart-a', clockA);
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    first.map((id) => created(id, T0)),
  );
  await eventually('the first orders', async () =>
    (await orderStatuses(dataSource(a), 'rs-a')).size === 100 ? true : undefined,
  );
  await a.close();

  // While no instance runs: more orders, and payments for half of the first ones.
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    second.map((id) => created(id, T0)),
  );
  await produceMessages(
    topics.TOPIC_ORDERS_PAID,
    first.slice(0, 50).map((id) => paid(id, T0)),
  );

  const clockB = new FakeClock(T0);
  const b = await boot(topics, group, 'restart-b', clockB);
  const ds = dataSource(b);
  await eventually('every order and payment handled', async () => {
    const states = await orderStatuses(ds, 'rs-');
    const settled = [...states.values()].filter((s) => s === 'paid').length;
    return states.size === 200 && settled === 50 ? true : undefined;
  });
  const due = new Date(T0.getTime() + TIMEOUT * 1000);
  await clockB.setAsync(due);
  await quiet(ds, due);
  const cancels = await cancel.waitFor('rs-', 150);
  const keys = new Set(cancels.map((m) => m.key));
  expect(keys.size).toBe(150);
  for (const id of first.slice(0, 50)) expect(keys.has(id)).toBe(false);
  for (const id of [...first.slice(50), ...second]) expect(keys.has(id)).toBe(true);
  expect(await countJobs(ds, 'order-timeout:rs-')).toBe(0);
  await b.close();
});

it('two instances in one consumer group share the partitions and the firing; each order handled once', async () => {
  const topics = await topicsFor('pair');
  const group = uniqueTopic('pair-group');
  const cancel = await watch(topics.TOPIC_ORDERS_CANCEL);
  const clock = new FakeClock(T0);
  const c = await boot(topics, group, 'pair-c', clock);
  const d = await boot(topics, group, 'pair-d', clock);
  // Produce only once both are members (a join rebalances the other).
  await eventually(
    'both instances joined the group',
    async () => {
      const up = [c, d].every((app) => app.get(InboundConsumer).status().status === 'up');
      if (!up) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return [c, d].every((app) => app.get(InboundConsumer).status().status === 'up') ? true : undefined;
    },
    90_000,
  );
  const N = 600;
  const ids = Array.from({ length: N }, (_, i) => `pair-${i}`);
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    ids.map((id) => created(id, T0)),
  );
  const ds = dataSource(c);
  await eventually('all orders scheduled', async () =>
    (await orderStatuses(ds, 'pair-')).size === N ? true : undefined,
  );
  const [sc, sd] = [c, d].map((app) => ordersService(app).stats.created);
  // The counters move when each instance's commit resolves, which may come after this process
  // already saw the rows through another connection: wait for them (a double count never settles).
  await eventually('both instances counted their orders', async () =>
    sc.scheduled + sd.scheduled >= N ? true : undefined,
  );
  console.info(
    `pair: instance c scheduled ${sc.scheduled}, d ${sd.scheduled} (duplicates ${sc.duplicate + sd.duplicate})`,
  );
  expect(sc.scheduled + sd.scheduled).toBe(N);
  expect(sc.scheduled).toBeGreaterThan(0);
  expect(sd.scheduled).toBeGreaterThan(0);

  const due = new Date(T0.getTime() + TIMEOUT * 1000);
  await clock.setAsync(due);
  await quiet(ds, due);
  // Both instances relay, each its share of the outbox's shards (a key in one): one cancel per order, with
  // one eventId (a re-publish after a crash would repeat that id; consumers dedupe on it).
  await eventually(`cancels of all ${N} orders`, async () =>
    new Set(cancel.withKeyPrefix('pair-').map((m) => m.key)).size === N ? true : undefined,
  );
  const idsPerOrder = new Map<string, Set<string>>();
  for (const m of cancel.withKeyPrefix('pair-'))
    idsPerOrder.set(
      m.key as string,
      (idsPerOrder.get(m.key as string) ?? new Set()).add(m.headers['x-event-id']),
    );
  expect([...idsPerOrder.values()].every((set) => set.size === 1)).toBe(true);
  expect(cancel.withKeyPrefix('pair-')).toHaveLength(N);
  const owners = (await ds.query(
    "SELECT owner, COUNT(*) AS n FROM scheduler_job_runs WHERE job_id LIKE 'order-timeout:pair-%' GROUP BY owner",
  )) as { owner: string; n: string }[];
  console.info(`pair: runs per instance ${owners.map((o) => `${o.owner}=${o.n}`).join(' ')}`);
  expect(owners.reduce((sum, o) => sum + Number(o.n), 0)).toBe(N);
});
