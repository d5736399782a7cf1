import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';

import { FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { body, TopicWatch } from '../orders/kafka-output';
import {
  bootService,
  dataSource,
  eventually,
  uniqueServiceTopics,
  type ServiceTopics,
} from '../orders/order-app';

// Every inbound topic, on the real broker and MariaDB: a poison message (nested too deep, too
// large, or refused by the database for good) goes to <topic>.dlq unchanged, and the valid
// messages behind it on the same partition are applied promptly. A failure retrying cannot fix
// yet (a missing table) is retried, never dead-lettered, and shows as a stuck partition.
// Budget: one app boot and group join (~10 s) plus a few seconds per case.
jest.setTimeout(180_000);

const MAX_MESSAGE_BYTES = 2048;
const PROMPTLY_MS = 15_000;
const T0 = new Date('2030-09-01T00:00:00.000Z');

let db: TestDatabase;
let topics: ServiceTopics;
let app: INestApplication;
let ds: DataSource;
const dlqs = new Map<string, TopicWatch>();

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

interface TopicCase {
  name: string;
  topic: () => string;
  /** A valid message for `id` (an order id or a job id); `extra` merges into it. */
  valid: (id: string, extra?: Record<string, unknown>) => Record<string, unknown>;
  /** Resolves true once the valid message for `id` has been applied. */
  applied: (id: string) => Promise<boolean>;
  /** The deep value goes where an attacker would put it. */
  deep: (id: string) => Record<string, unknown>;
}

const exists = async (sql: string, id: string): Promise<boolean> =>
  ((await ds.query(sql, [id])) as unknown[]).length > 0;

const cases: TopicCase[] = [
  {
    name: 'orders.created',
    topic: () => topics.TOPIC_ORDERS_CREATED,
    valid: (id, extra = {}) => ({
      eventId: `ev-${id}`,
      orderId: id,
      createdAt: T0.toISOString(),
      items: [{ skuId: 'sku-1', quantity: 1 }],
      ...extra,
    }),
    applied: (id) => exists('SELECT 1 FROM order_states WHERE order_id = ?', id),
    deep: (id) => ({ items: [{ skuId: 'sku-1', quantity: 1, meta: nested(40) }], orderId: id }),
  },
  {
    name: 'orders.paid',
    topic: () => topics.TOPIC_ORDERS_PAID,
    // A payment for an order never created leaves a tombstone row.
    valid: (id, extra = {}) => ({ eventId: `ev-${id}`, orderId: id, paidAt: T0.toISOString(), ...extra }),
    applied: (id) => exists('SELECT 1 FROM order_states WHERE order_id = ?', id),
    deep: () => ({ receipt: nested(40) }),
  },
  {
    name: 'scheduler.commands',
    topic: () => topics.TOPIC_SCHEDULER_COMMANDS,
    valid: (id, extra = {}) => ({
      eventId: `ev-${id}`,
      type: 'schedule',
      jobId: id,
      delaySeconds: 3600,
      target: { topic: 'poison.target', key: id, value: { id } },
      ...extra,
    }),
    applied: (id) => exists('SELECT 1 FROM processed_commands WHERE event_id = ?', `ev-${id}`),
    deep: (id) => ({ target: { topic: 'poison.target', key: id, value: nested(40) } }),
  },
];

beforeAll(async () => {
  db = await createTestDatabase('inbound_poison');
  topics = uniqueServiceTopics('poison');
  const inbound = cases.map((c) => c.topic());
  await createTopics([...Object.values(topics), ...inbound.map((t) => `${t}.dlq`)], 3);
  for (const [topic, watch] of await Promise.all(
    inbound.map(async (t) => [t, await TopicWatch.start(`${t}.dlq`)] as const),
  ))
    dlqs.set(topic, watch);
  app = await bootService({
    databaseUrl: db.url,
    topics,
    groupId: uniqueTopic('poison'),
    replicaId: 'poison-1',
    clock: new FakeClock(T0),
    env: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), INBOUND_STUCK_AFTER_SECONDS: '1' },
  });
  ds = dataSource(app);
  // Test-only constraints: ids starting with "poison" pass every check of the service and are
  // then refused by MariaDB itself (ER_CONSTRAINT_FAILED), a refusal no retry can fix.
  await ds.query(
    "ALTER TABLE order_states ADD CONSTRAINT test_poison_order CHECK (order_id NOT LIKE 'poison%')",
  );
  await ds.query(
    "ALTER TABLE processed_commands ADD CONSTRAINT test_poison_job CHECK (job_id NOT LIKE 'poison%')",
  );
});

afterAll(async () => {
  await app?.close();
  await Promise.all([...dlqs.values()].map((w) => w.stop()));
  await deleteTopics([...Object.values(topics), ...cases.map((c) => `${c.topic()}.dlq`)]).catch(
    () => undefined,
  );
  await db?.drop();
});

describe.each(cases)('$name', (c) => {
  it('dead-letters deep, oversized and database-refused messages unchanged; the valid ones behind them are applied promptly', async () => {
    const tag = c.name.replace(/\W/g, '');
    const good = (n: number): string => `good-${tag}-${n}`;
    const deep = c.valid(`deep-${tag}`, c.deep(`deep-${tag}`));
    const large = c.valid(`large-${tag}`, { pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
    const refused = c.valid(`poison-${tag}`);
    const messages = [
      c.valid(good(0)),
      deep,
      large,
      refused,
      ...[1, 2, 3, 4, 5].map((n) => c.valid(good(n))),
    ].map((value, i) => ({ key: `k-${tag}-${i}`, value, partition: 0 }));
    const started = Date.now();
    await produceMessages(c.topic(), messages);

    await eventually(
      `the valid ${c.name} messages applied`,
      async () => {
        for (const n of [0, 1, 2, 3, 4, 5]) if (!(await c.applied(good(n)))) return undefined;
        return true;
      },
      PROMPTLY_MS,
    );
    expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);

    // Dead letters keep their keys, so they spread over the .dlq partitions: order by source offset.
    const dead = (await dlqs.get(c.topic())!.waitFor(`k-${tag}-`, 3, PROMPTLY_MS)).sort(
      (a, b) => Number(a.headers['x-dlq-source-offset']) - Number(b.headers['x-dlq-source-offset']),
    );
    expect(dead.map((m) => [m.key, m.headers['x-dlq-error-code']])).toEqual([
      [`k-${tag}-1`, 'JSON_TOO_DEEP'],
      [`k-${tag}-2`, 'MESSAGE_TOO_LARGE'],
      [`k-${tag}-3`, 'STORE_REJECTED'],
    ]);
    expect(dead.map((m) => body(m))).toEqual([deep, large, refused]);
    const offsets = dead.map((m) => Number(m.headers['x-dlq-source-offset']));
    expect(offsets[1] - offsets[0]).toBe(1);
    expect(offsets[2] - offsets[1]).toBe(1);
    for (const m of dead) {
      expect(m.headers).toMatchObject({ 'x-dlq-source-topic': c.topic(), 'x-dlq-source-partition': '0' });
    }
    expect(dead[2].headers['x-dlq-error']).toMatch(/^ER_CONSTRAINT_FAILED \(4025\): /);
    expect(await c.applied(`poison-${tag}`)).toBe(false);
  });
});

// One id rule everywhere (src/scheduler/validation/ids.ts): ids a store could fold, pad or
// mangle are refused before anything is stored.
const BAD_IDS: Array<[string, (tag: string) => string]> = [
  ['trailing space', (tag) => `${tag}-padx `],
  ['leading space', (tag) => ` ${tag}-padx`],
  ['control character', (tag) => `${tag}-pad\u0007x`],
  ['lone surrogate', (tag) => `${tag}-pad\ud800x`],
];

describe.each(cases)('$name ids', (c) => {
  it('dead-letters ids with edge whitespace, control characters or lone surrogates; the valid id behind them is applied', async () => {
    const tag = `ids${c.name.replace(/\W/g, '')}`;
    const idField = c.name === 'scheduler.commands' ? 'jobId' : 'orderId';
    const bad = BAD_IDS.map(([, badId], i) => ({
      key: `k-${tag}-${i}`,
      value: c.valid(`${tag}-${i}`, { [idField]: badId(tag) }),
      partition: 0,
    }));
    const badEvent = {
      key: `k-${tag}-e`,
      value: c.valid(`${tag}-e`, { eventId: `ev-${tag} ` }),
      partition: 0,
    };
    await produceMessages(c.topic(), [
      ...bad,
      badEvent,
      { key: `k-${tag}-ok`, value: c.valid(`${tag}-ok`), partition: 0 },
    ]);
    await eventually(
      `${tag}-ok applied`,
      async () => ((await c.applied(`${tag}-ok`)) ? true : undefined),
      PROMPTLY_MS,
    );
    const dead = await dlqs.get(c.topic())!.waitFor(`k-${tag}-`, BAD_IDS.length + 1, PROMPTLY_MS);
    for (const m of dead) {
      expect(m.headers['x-dlq-error-code']).toBe('VALIDATION_FAILED');
      expect(m.headers['x-dlq-error']).toMatch(
        m.key === `k-${tag}-e` ? /^eventId: / : new RegExp(`^${idField}: `),
      );
    }
    expect(dead.map((m) => m.key).sort()).toEqual([...bad.map((b) => b.key), badEvent.key].sort());
  });
});

it('retries a failure no message causes (a missing table) without dead-lettering, reports the partition stuck, then recovers', async () => {
  const c = cases[2];
  const server = app.getHttpServer();
  await eventually('ready', async () =>
    (await request(server).get('/health/ready')).status === 200 ? true : undefined,
  );
  await ds.query('RENAME TABLE processed_commands TO processed_commands_away');
  try {
    await produceMessages(c.topic(), [{ key: 'stuck', value: c.valid('stuck-1'), partition: 1 }]);
    const ready = await eventually('the inbound check degraded', async () => {
      const res = await request(server).get('/health/ready');
      return res.body.checks?.inbound?.status === 'degraded' ? res : undefined;
    });
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.checks.inbound.detail).toContain(`${c.topic()}/1@`);
    const metrics = await request(server).get('/metrics');
    const line = metrics.text
      .split('\n')
      .find((l) => l.startsWith(`kafka_inbound_partition_stuck_seconds{topic="${c.topic()}",partition="1"}`));
    expect(line).toBeDefined();
    expect(Number(line!.split(' ').pop())).toBeGreaterThanOrEqual(1);
  } finally {
    await ds.query('RENAME TABLE processed_commands_away TO processed_commands');
  }
  await eventually('the stuck command applied', async () =>
    (await c.applied('stuck-1')) ? true : undefined,
  );
  await eventually('ready again', async () =>
    (await request(server).get('/health/ready')).status === 200 ? true : undefined,
  );
  const metrics = await request(server).get('/metrics');
  expect(metrics.text).not.toContain(`kafka_inbound_partition_stuck_seconds{topic="${c.topic()}"`);
  expect(dlqs.get(c.topic())!.withKey('stuck')).toEqual([]);
});
