import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { deadLettersCommand } from '../../../src/cli/dead-letters';
import { InboundConsumer } from '../../../src/messaging/inbound/inbound-consumer';
import { FakeClock } from '../../../src/scheduler';
import { API_KEY, bootAdminApp, uniqueServiceTopics } from '../admin/admin-e2e-app';
import { eventually } from '../../support/eventually';
import { kafkaBrokers } from '../../support/env';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  collectMessages,
  deleteTopics,
  produceMessages,
  type MessageCollector,
} from '../../support/test-kafka';

// Inbound dead letters listed and replayed through the admin API and the CLI, against the real
// broker and MariaDB: the .dlq is read by offset, each message is republished at most once (the
// dlq_replays ledger), concurrent replays of one range included.

// Budget: group joins of the service, the collector and each throw-away reader (~1-3 s each).
jest.setTimeout(180_000);

let db: TestDatabase;
let topics: Record<string, string>;
let created: string;
let app: INestApplication;
let source: MessageCollector;
const api = () => request(app.getHttpServer());
const key = { 'x-api-key': API_KEY };

beforeAll(async () => {
  db = await createTestDatabase('dlq_replay');
  topics = uniqueServiceTopics('dlqr');
  created = topics.TOPIC_ORDERS_CREATED;
  app = await bootAdminApp({ databaseUrl: db.url, topics, clock: new FakeClock('2030-01-01T00:00:00Z') });
  await app.get(InboundConsumer).ready();
  source = await collectMessages(created, { fromBeginning: true });
});

afterAll(async () => {
  await app?.close();
  await source?.stop();
  await deleteTopics([...Object.values(topics), ...Object.values(topics).map((t) => `${t}.dlq`)]).catch(
    () => undefined,
  );
  await db?.drop();
});

async function dlqCount(): Promise<number> {
  const res = await api().get('/v1/dead-letters').set(key).expect(200);
  const entry = (res.body.topics as Array<{ topic: string; count: number }>).find((t) => t.topic === created);
  return entry?.count ?? -1;
}

it('lists dead letters with their error headers and replays a range once, even when asked twice at once', async () => {
  await produceMessages(
    created,
    ['bad-0', 'bad-1', 'bad-2'].map((k) => ({ key: k, value: { orderId: k, not: 'an order' } })),
  );
  await eventually('three dead letters', async () => ((await dlqCount()) === 3 ? true : undefined));

  const page = await api().get(`/v1/dead-letters/${created}`).set(key).expect(200);
  expect(page.body.dlqTopic).toBe(`${created}.dlq`);
  expect(page.body.partitions).toEqual([{ partition: 0, low: '0', high: '3', count: 3 }]);
  expect(page.body.messages.map((m: { key: string }) => m.key)).toEqual(['bad-0', 'bad-1', 'bad-2']);
  const first = page.body.messages[0];
  expect(first.error).toMatchObject({ code: expect.any(String), sourceTopic: created, sourcePartition: 0 });
  expect(first.error.message).toEqual(expect.any(String));
  expect(JSON.parse(first.value)).toEqual({ orderId: 'bad-0', not: 'an order' });
  expect(Object.keys(first.headers).some((h) => h.startsWith('x-dlq-'))).toBe(false);
  expect(first.replay).toBeNull();

  // Two operators replay offsets 0-1 at the same moment: each message goes out once.
  const both = await Promise.all(
    [1, 2].map(() =>
      api()
        .post(`/v1/dead-letters/${created}/replay`)
        .set(key)
        .send({ partition: 0, fromOffset: '0', toOffset: '1' })
        .expect(200),
    ),
  );
  expect(both[0].body.replayed + both[1].body.replayed).toBe(2);
  const outcomes = both.flatMap((r) => r.body.results.map((x: { outcome: string }) => x.outcome)).sort();
  expect(outcomes.filter((o) => o === 'replayed')).toHaveLength(2);
  expect(outcomes.filter((o) => o !== 'replayed')).toHaveLength(2);

  const replays = await eventually('the two replays on the source topic', async () => {
    const found = source.messages.filter((m) => m.headers['x-dlq-replayed-from'] !== undefined);
    return found.length >= 2 ? found : undefined;
  });
  expect(replays.map((m) => [m.key, m.headers['x-dlq-replayed-from']]).sort()).toEqual([
    ['bad-0', `${created}.dlq/0/0`],
    ['bad-1', `${created}.dlq/0/1`],
  ]);
  expect(
    Object.keys(replays[0].headers).filter((h) => h.startsWith('x-dlq-') && h !== 'x-dlq-replayed-from'),
  ).toEqual([]);
  // The two requests may each have claimed one message: arrival order is not asserted.
  const bad0 = replays.find((m) => m.key === 'bad-0');
  expect(JSON.parse(bad0?.value ?? '')).toEqual({ orderId: 'bad-0', not: 'an order' });

  // Still invalid, so they are dead-lettered again (new offsets): the replay went through the pipeline.
  await eventually('the replays dead-lettered again', async () =>
    (await dlqCount()) === 5 ? true : undefined,
  );

  const again = await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .set(key)
    .send({ partition: 0, fromOffset: '0', toOffset: '2' })
    .expect(200);
  expect(again.body.replayed).toBe(1);
  expect(again.body.results).toEqual([
    { offset: '0', outcome: 'already-replayed' },
    { offset: '1', outcome: 'already-replayed' },
    { offset: '2', outcome: 'replayed' },
  ]);

  const listed = await api()
    .get(`/v1/dead-letters/${created}?partition=0&fromOffset=0&limit=3`)
    .set(key)
    .expect(200);
  expect(listed.body.messages.map((m: { replay: { status: string } | null }) => m.replay?.status)).toEqual([
    'published',
    'published',
    'published',
  ]);
  // Only three replays ever reached the source topic.
  await eventually('six dead letters', async () => ((await dlqCount()) === 6 ? true : undefined));
  expect(source.messages.filter((m) => m.headers['x-dlq-replayed-from'] !== undefined)).toHaveLength(3);
});

it('the CLI lists and replays through the same ledger', async () => {
  const lines: string[] = [];
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_GROUP_ID: 'dlq-cli-test',
    LOG_LEVEL: 'silent',
  };
  await deadLettersCommand(
    ['list', '--topic', created, '--partition', '0', '--from', '3', '--limit', '2'],
    env,
    (l) => lines.push(l),
  );
  expect(JSON.parse(lines[0])).toMatchObject({ dlqTopic: `${created}.dlq` });
  const listed = lines
    .slice(1)
    .map((l) => JSON.parse(l) as { offset: string; key: string; error: { sourceTopic: string } });
  expect(listed.map((m) => m.offset)).toEqual(['3', '4']);
  expect(listed.every((m) => m.error.sourceTopic === created)).toBe(true);

  lines.length = 0;
  await deadLettersCommand(
    ['replay', '--topic', created, '--partition', '0', '--from', '2', '--to', '3'],
    env,
    (l) => lines.push(l),
  );
  expect(JSON.parse(lines[0]).results).toEqual([
    { offset: '2', outcome: 'already-replayed' },
    { offset: '3', outcome: 'replayed' },
  ]);
  const res = await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .set(key)
    .send({ partition: 0, fromOffset: '3', toOffset: '3' })
    .expect(200);
  expect(res.body.results).toEqual([{ offset: '3', outcome: 'already-replayed' }]);
});

it('refuses bad requests naming the field, unknown topics, and callers without a key', async () => {
  await api().get('/v1/dead-letters').expect(401);
  await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .send({ partition: 0, fromOffset: '0', toOffset: '0' })
    .expect(401);
  const reversed = await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .set(key)
    .send({ partition: 0, fromOffset: '5', toOffset: '1' })
    .expect(422);
  expect(reversed.body.errors).toEqual([{ field: 'toOffset', message: 'must not be before fromOffset' }]);
  const tooLong = await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .set(key)
    .send({ partition: 0, fromOffset: '0', toOffset: '100000' })
    .expect(422);
  expect(tooLong.body.errors[0].field).toBe('toOffset');
  const badOffset = await api()
    .post(`/v1/dead-letters/${created}/replay`)
    .set(key)
    .send({ partition: 0, fromOffset: '-1', toOffset: '1' })
    .expect(400);
  expect(badOffset.body.errors[0].field).toBe('fromOffset');
  await api().get('/v1/dead-letters/not.an.inbound.topic').set(key).expect(404);
  await api().get(`/v1/dead-letters/${created}?limit=100000`).set(key).expect(400);
});
