import { randomUUID } from 'node:crypto';

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';

import { MetricsService } from '../../../src/app/metrics/metrics.service';
import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import { FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { body, TopicWatch } from '../orders/kafka-output';
import {
  bootService,
  dataSource,
  eventually,
  orderStatuses,
  uniqueServiceTopics,
  type ServiceTopics,
} from '../orders/order-app';

// One bad target must not stall everything else (issue 10 item 5): a scheduler.commands job whose
// target topic does not exist (auto-creation off) fires, then 1,000 order cancels fire; every
// cancel reaches Kafka while the bad event waits isolated, and the bad one is dead-lettered after
// OUTBOX_DEAD_LETTER_AFTER_MS. Real MariaDB and Kafka; business time on a fake clock.

// Budget: 1,000 orders in and out of Kafka on a loaded 2-core machine, plus consumer group joins.
jest.setTimeout(240_000);

const T0 = new Date('2030-09-01T00:00:00.000Z');
const API_KEY = 'isolation-admin-key-0123456789';
const DEAD_AFTER_MS = 60_000;
const ORDERS = 1000;
/** The usual commit-to-Kafka latency of 1,000 cancels here is a few seconds; a stall is 10 s per try, forever. */
const CANCELS_WITHIN_MS = 20_000;

let db: TestDatabase;
let topics: ServiceTopics;
let missing: string;
let clock: FakeClock;
let app: INestApplication;
let ds: DataSource;
let cancel: TopicWatch;
let dead: TopicWatch;

const relay = (): OutboxRelay => app.get(OutboxRelay);

beforeAll(async () => {
  db = await createTestDatabase('outbox_isolation');
  topics = uniqueServiceTopics('iso');
  missing = uniqueTopic('iso.never-created');
  await createTopics(
    [
      ...Object.values(topics),
      `${topics.TOPIC_ORDERS_CREATED}.dlq`,
      `${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`,
    ],
    3,
  );
  [cancel, dead] = await Promise.all([
    TopicWatch.start(topics.TOPIC_ORDERS_CANCEL),
    TopicWatch.start(topics.TOPIC_SCHEDULER_DEAD_LETTER),
  ]);
  clock = new FakeClock(T0);
  app = await bootService({
    databaseUrl: db.url,
    topics,
    groupId: uniqueTopic('isolation'),
    replicaId: 'iso-1',
    clock,
    env: { OUTBOX_DEAD_LETTER_AFTER_MS: String(DEAD_AFTER_MS), ADMIN_API_KEYS: API_KEY },
  });
  ds = dataSource(app);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([cancel, dead].map((w) => w?.stop()));
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('a missing target topic is isolated: 1,000 cancels reach Kafka at once, the bad event is dead-lettered later', async () => {
  const badJob = 'bad-target-1';
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    {
      key: badJob,
      value: {
        eventId: randomUUID(),
        type: 'schedule',
        jobId: badJob,
        delaySeconds: 10,
        target: { topic: missing, key: 'bad-key', value: { hello: 'nobody' } },
      },
    },
  ]);
  const ids = Array.from({ length: ORDERS }, (_, i) => `iso-${String(i).padStart(4, '0')}`);
  await produceMessages(
    topics.TOPIC_ORDERS_CREATED,
    ids.map((id) => ({
      key: id,
      value: {
        eventId: randomUUID(),
        orderId: id,
        createdAt: T0.toISOString(),
        items: [{ skuId: `sku-${id}`, quantity: 1 }],
        paymentTimeoutSeconds: 60,
      },
    })),
  );
  await eventually('1,000 orders pending and the bad job scheduled', async () => {
    const statuses = await orderStatuses(ds, 'iso-');
    const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM scheduler_jobs WHERE id = ?', [badJob])) as {
      n: string;
    }[];
    return statuses.size === ORDERS && Number(n) === 1 ? true : undefined;
  });

  // The bad job fires first; its event cannot be published and its topic is isolated.
  await clock.setAsync(new Date(T0.getTime() + 10_000));
  await eventually('the missing topic isolated', async () =>
    relay().status().isolatedTopics.includes(missing) ? true : undefined,
  );

  // Then every order times out: all cancels reach Kafka within the usual latency.
  const fired = Date.now();
  await clock.setAsync(new Date(T0.getTime() + 60_000));
  await cancel.waitFor('iso-', ORDERS, CANCELS_WITHIN_MS);
  const allCancelsMs = Date.now() - fired;
  console.log(
    `isolation: ${ORDERS} cancels on Kafka ${allCancelsMs} ms after they fell due, bad topic isolated`,
  );
  expect(new Set(cancel.withKeyPrefix('iso-').map((m) => m.key)).size).toBe(ORDERS);
  expect(relay().status().isolatedTopics).toEqual([missing]);
  const check = await relay().check();
  expect(check.status).toBe('up');
  expect(check.detail).toContain(`isolated topics: ${missing}`);
  const [row] = (await ds.query('SELECT attempts, dead_at, sent_at FROM scheduler_outbox WHERE topic = ?', [
    missing,
  ])) as Array<{ attempts: number; dead_at: Date | null; sent_at: Date | null }>;
  expect(Number(row.attempts)).toBeGreaterThanOrEqual(1);
  expect(row.dead_at).toBeNull();
  expect(dead.all()).toEqual([]);

  // Retried with back-off in business time; dead-lettered once it failed for DEAD_AFTER_MS.
  for (let t = 70_000; t <= 10_000 + DEAD_AFTER_MS + 40_000 && dead.all().length === 0; t += 5000) {
    await clock.setAsync(new Date(T0.getTime() + t));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [notice] = await dead.waitFor(badJob, 1, 30_000);
  const deadAt = clock.now().getTime();
  expect(body(notice)).toEqual({
    eventId: notice.headers['x-event-id'],
    kind: 'publish',
    jobId: badJob,
    scheduledAt: new Date(T0.getTime() + 10_000).toISOString(),
    attempts: expect.any(Number),
    lastError: expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION'),
    topic: missing,
    deadEventId: expect.any(String),
  });
  expect(body<{ attempts: number }>(notice).attempts).toBeGreaterThan(2);
  // Not before its time: the first failure was at T0+10 s.
  expect(deadAt - (T0.getTime() + 10_000)).toBeGreaterThanOrEqual(DEAD_AFTER_MS);
  const [marked] = (await ds.query('SELECT dead_at, last_error FROM scheduler_outbox WHERE topic = ?', [
    missing,
  ])) as Array<{ dead_at: Date | null; last_error: string }>;
  expect(marked.dead_at).not.toBeNull();
  expect(marked.last_error).toContain('UNKNOWN_TOPIC_OR_PARTITION');
  await eventually('the topic back in the main flow', async () =>
    relay().status().isolatedTopics.length === 0 ? true : undefined,
  );

  // Visible to the admin API (key required) and in /metrics.
  const server = app.getHttpServer();
  await request(server).get('/v1/outbox/dead-letters').expect(401);
  const page = await request(server)
    .get('/v1/outbox/dead-letters?limit=10')
    .set('x-api-key', API_KEY)
    .expect(200);
  expect(page.body).toEqual({
    items: [
      expect.objectContaining({
        eventId: body<{ deadEventId: string }>(notice).deadEventId,
        topic: missing,
        key: 'bad-key',
        jobId: badJob,
        lastError: expect.stringContaining('UNKNOWN_TOPIC_OR_PARTITION'),
      }),
    ],
    nextCursor: null,
  });
  await request(server).get('/v1/outbox/dead-letters?limit=0').set('x-api-key', API_KEY).expect(400);
  await request(server).get('/v1/outbox/dead-letters?cursor=bm9wZQ').set('x-api-key', API_KEY).expect(400);
  const metrics = await app.get(MetricsService).registry.metrics();
  expect(metrics).toContain(`outbox_events_dead_lettered_total{topic="${missing}"} 1`);
});

it('shutdown does not wait on a publish that cannot succeed', async () => {
  const stuck = uniqueTopic('iso.also-missing');
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    {
      key: 'stuck-1',
      value: {
        eventId: randomUUID(),
        type: 'schedule',
        jobId: 'stuck-1',
        delaySeconds: 1,
        target: { topic: stuck, key: 'k', value: { n: 1 } },
      },
    },
  ]);
  await eventually('stuck-1 scheduled', async () => {
    const rows = (await ds.query("SELECT id FROM scheduler_jobs WHERE id = 'stuck-1'")) as unknown[];
    return rows.length === 1 ? true : undefined;
  });
  await clock.setAsync(new Date(clock.now().getTime() + 2000));
  await eventually('the second missing topic isolated', async () =>
    relay().status().isolatedTopics.includes(stuck) ? true : undefined,
  );
  const started = Date.now();
  await app.close();
  const closeMs = Date.now() - started;
  app = undefined as unknown as INestApplication;
  console.log(`isolation: app.close() took ${closeMs} ms with an isolated topic`);
  expect(closeMs).toBeLessThan(5000);
});
