import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import { eventIdFor, FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTopics, deleteTopics, produceMessages, uniqueTopic } from '../../support/test-kafka';
import { body, TopicWatch } from '../orders/kafka-output';
import {
  bootService,
  countJobs,
  dataSource,
  eventually,
  quiet,
  uniqueServiceTopics,
  type ServiceTopics,
} from '../orders/order-app';

// scheduler.commands end to end on the real broker and MariaDB, business time on a fake clock.

jest.setTimeout(180_000);

const T0 = new Date('2030-08-01T00:00:00.000Z');
let db: TestDatabase;
let topics: ServiceTopics;
let target: string;
let clock: FakeClock;
let app: INestApplication;
let ds: DataSource;
let out: TopicWatch;
let dlq: TopicWatch;

async function processed(eventIds: string[]): Promise<void> {
  await eventually(`commands ${eventIds.join(', ')} applied`, async () => {
    const rows = (await ds.query('SELECT event_id FROM processed_commands WHERE event_id IN (?)', [
      eventIds,
    ])) as unknown[];
    return rows.length === eventIds.length ? true : undefined;
  });
}

beforeAll(async () => {
  db = await createTestDatabase('commands_kafka');
  topics = uniqueServiceTopics('cmd');
  target = uniqueTopic('cmd.target');
  await createTopics([...Object.values(topics), `${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`, target], 3);
  [out, dlq] = await Promise.all([
    TopicWatch.start(target),
    TopicWatch.start(`${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`),
  ]);
  clock = new FakeClock(T0);
  app = await bootService({
    databaseUrl: db.url,
    topics,
    groupId: uniqueTopic('commands'),
    replicaId: 'cmd-1',
    clock,
  });
  ds = dataSource(app);
});

afterAll(async () => {
  await app?.close();
  await Promise.all([out, dlq].map((w) => w?.stop()));
  await deleteTopics([...Object.values(topics), target]).catch(() => undefined);
  await db?.drop();
});

it('schedule publishes the target at runAt with its key and headers plus x-event-id and the scheduler headers', async () => {
  const runAt = new Date(T0.getTime() + 120_000);
  const command = {
    eventId: 'sched-1',
    type: 'schedule',
    jobId: 'job-a',
    runAt: '2030-08-01T02:02:00+02:00',
    target: { topic: target, key: 'key-a', value: { hello: 'a' }, headers: { 'x-tenant': 't1' } },
  };
  // The same command twice (a redelivery) leaves one job and one publish.
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    { key: 'job-a', value: command },
    { key: 'job-a', value: command },
  ]);
  await processed(['sched-1']);
  expect(await countJobs(ds, 'job-a')).toBe(1);
  await clock.setAsync(new Date(runAt.getTime() - 1));
  await quiet(ds, clock.now());
  expect(out.withKey('key-a')).toEqual([]);
  await clock.setAsync(runAt);
  await quiet(ds, runAt);
  const [m] = await out.waitFor('key-a', 1);
  const eventId = eventIdFor('job-a', runAt, 'publish');
  expect(body(m)).toEqual({ eventId, hello: 'a' });
  expect(m.headers).toMatchObject({
    'x-tenant': 't1',
    'x-event-id': eventId,
    'x-scheduler-job-id': 'job-a',
    'x-scheduler-scheduled-at': runAt.toISOString(),
  });
  // Redelivered after it fired: not scheduled again.
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [{ key: 'job-a', value: command }]);
  await clock.advanceAsync(1000);
  expect(await countJobs(ds, 'job-a')).toBe(0);
  expect(out.withKey('key-a')).toHaveLength(1);
});

it('delaySeconds counts from now; cancel removes the job; cancelling a missing job is fine', async () => {
  const start = clock.now();
  const schedule = (jobId: string, eventId: string) => ({
    key: jobId,
    value: {
      eventId,
      type: 'schedule',
      jobId,
      delaySeconds: 30,
      target: { topic: target, key: `key-${jobId}`, value: { jobId } },
    },
  });
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    schedule('job-b', 'sched-b'),
    schedule('job-c', 'sched-c'),
    { key: 'job-b', value: { eventId: 'cancel-b', type: 'cancel', jobId: 'job-b' } },
    { key: 'job-x', value: { eventId: 'cancel-x', type: 'cancel', jobId: 'job-x' } },
  ]);
  await processed(['sched-b', 'sched-c', 'cancel-b', 'cancel-x']);
  expect(await countJobs(ds, 'job-b')).toBe(0);
  const due = new Date(start.getTime() + 30_000);
  await clock.setAsync(due);
  await quiet(ds, due);
  const [m] = await out.waitFor('key-job-c', 1);
  expect(m.headers['x-scheduler-scheduled-at']).toBe(due.toISOString());
  expect(out.withKey('key-job-b')).toEqual([]);
});

it('invalid commands go to the .dlq naming the field; valid ones behind them still apply', async () => {
  const p = { partition: 2 };
  const base = { type: 'schedule', target: { topic: target, key: 'k', value: 1 } };
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    { key: 'bad-type', value: { eventId: 'bad-1', type: 'reschedule', jobId: 'j1' }, ...p },
    {
      key: 'bad-both',
      value: { ...base, eventId: 'bad-2', jobId: 'j2', runAt: '2030-08-01T00:00:00Z', delaySeconds: 5 },
      ...p,
    },
    { key: 'bad-neither', value: { ...base, eventId: 'bad-3', jobId: 'j3' }, ...p },
    {
      key: 'bad-date',
      value: { ...base, eventId: 'bad-4', jobId: 'j4', runAt: '2025-02-30T10:00:00Z' },
      ...p,
    },
    { key: 'good', value: { ...base, eventId: 'good-1', jobId: 'good-job', delaySeconds: 3600 }, ...p },
  ]);
  await processed(['good-1']);
  const dead = await dlq.waitFor('bad-', 4);
  const error = (key: string): string => dead.find((m) => m.key === key)?.headers['x-dlq-error'] ?? '';
  expect(error('bad-type')).toContain('type');
  expect(error('bad-both')).toContain('runAt');
  expect(error('bad-neither')).toContain('runAt');
  expect(error('bad-date')).toContain('runAt');
  for (const m of dead) expect(m.headers['x-dlq-error-code']).toBe('VALIDATION_FAILED');
  expect(await countJobs(ds, 'good-job')).toBe(1);
  expect(await countJobs(ds, 'j')).toBe(0);
});
