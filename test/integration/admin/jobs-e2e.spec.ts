import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { FakeClock } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  collectMessages,
  createTopics,
  deleteTopics,
  uniqueTopic,
  type ConsumedMessage,
  type MessageCollector,
} from '../../support/test-kafka';
import { API_KEY, bootAdminApp, quiet, uniqueServiceTopics } from './admin-e2e-app';

// The admin API end to end: HTTP in, the real MariaDB store, the publish action through the
// outbox relay to the real Kafka broker, business time driven by a fake clock.

jest.setTimeout(180_000);

const T0 = '2030-06-01T00:00:30.000Z';
const at = (hhmm: string): Date => new Date(`2030-06-01T${hhmm}:00.000Z`);
let db: TestDatabase;
let serviceTopics: Record<string, string>;
let target: string;
let clock: FakeClock;
let app: INestApplication;
let watch: MessageCollector;

const api = () => request(app.getHttpServer());
const key = { 'x-api-key': API_KEY };
const scheduledAt = (m: ConsumedMessage): string => m.headers['x-scheduler-scheduled-at'];

async function advanceTo(when: Date): Promise<void> {
  await clock.setAsync(when);
  await quiet(app, when);
}

beforeAll(async () => {
  db = await createTestDatabase('admin_e2e');
  serviceTopics = uniqueServiceTopics('admin');
  target = uniqueTopic('admin.target');
  await createTopics([target], 1);
  watch = await collectMessages(target);
  clock = new FakeClock(T0);
  app = await bootAdminApp({ databaseUrl: db.url, topics: serviceTopics, clock });
});

afterAll(async () => {
  await app?.close();
  await watch?.stop();
  await deleteTopics([target, ...Object.values(serviceTopics)]).catch(() => undefined);
  await db?.drop();
});

it('drives a cron publish job through create, fire, pause, resume, reschedule, run now and delete', async () => {
  const created = await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'report',
      name: 'ten-minutely report',
      trigger: { type: 'cron', expr: '*/10 * * * *' },
      action: {
        handler: 'publish',
        args: { topic: target, key: 'r', value: { report: 'sales' }, headers: { source: 'e2e' } },
      },
    })
    .expect(201);
  expect(created.body.nextRunTime).toBe('2030-06-01T00:10:00.000Z');

  // Fires at each fake-clock step, published with the scheduler headers.
  await advanceTo(at('00:10'));
  const [first] = await watch.waitFor(1);
  expect(first.key).toBe('r');
  expect(first.headers).toMatchObject({
    source: 'e2e',
    'x-scheduler-job-id': 'report',
    'x-scheduler-scheduled-at': '2030-06-01T00:10:00.000Z',
    'x-event-id': expect.any(String),
  });
  expect(JSON.parse(first.value ?? '')).toMatchObject({
    report: 'sales',
    eventId: first.headers['x-event-id'],
  });
  await advanceTo(at('00:20'));
  await watch.waitFor(2);

  // Paused: the clock passes two fire times, nothing runs.
  await api().post('/v1/jobs/report/pause').set(key).expect(200);
  await advanceTo(at('00:45'));
  const whilePaused = await api().get('/v1/jobs/report/runs').set(key).expect(200);
  expect(whilePaused.body.items).toHaveLength(2);

  // Resumed: from now on.
  const resumed = await api().post('/v1/jobs/report/resume').set(key).expect(200);
  expect(resumed.body.nextRunTime).toBe('2030-06-01T00:50:00.000Z');
  await advanceTo(at('00:50'));
  await watch.waitFor(3);

  // Rescheduled to every 7 minutes from now.
  const moved = await api()
    .post('/v1/jobs/report/reschedule')
    .set(key)
    .send({ trigger: { type: 'interval', minutes: 7 } })
    .expect(200);
  expect(moved.body.nextRunTime).toBe('2030-06-01T00:57:00.000Z');
  await advanceTo(at('00:57'));
  await watch.waitFor(4);

  // Run now: once, at the current time, the schedule left alone.
  await advanceTo(at('00:58'));
  const ran = await api().post('/v1/jobs/report/run').set(key).expect(202);
  expect(ran.body).toMatchObject({ outcome: 'submitted', scheduledAt: '2030-06-01T00:58:00.000Z' });
  await quiet(app, at('00:58'));
  await watch.waitFor(5);
  const detail = await api().get('/v1/jobs/report').set(key).expect(200);
  expect(detail.body.nextRunTime).toBe('2030-06-01T01:04:00.000Z');

  // History matches what was published, newest first.
  const runs = await api().get('/v1/jobs/report/runs').set(key).expect(200);
  const published = (await watch.waitFor(5)).map(scheduledAt);
  expect(published).toEqual([
    '2030-06-01T00:10:00.000Z',
    '2030-06-01T00:20:00.000Z',
    '2030-06-01T00:50:00.000Z',
    '2030-06-01T00:57:00.000Z',
    '2030-06-01T00:58:00.000Z',
  ]);
  expect(runs.body.items.map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual(
    [...published].reverse(),
  );
  expect(runs.body.items.every((r: { outcome: string }) => r.outcome === 'success')).toBe(true);
  expect(detail.body.lastRuns).toHaveLength(5);

  // Deleted: no more runs. A sentinel job on the same partition proves nothing else arrived before it.
  await api().delete('/v1/jobs/report').set(key).expect(204);
  await advanceTo(at('01:30'));
  await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'sentinel',
      trigger: { type: 'date', runDate: '2030-06-01T01:31:00Z' },
      action: { handler: 'publish', args: { topic: target, key: 'r', value: 'end' } },
    })
    .expect(201);
  await advanceTo(at('01:31'));
  const all = await watch.waitFor(6);
  expect(all.map((m) => m.headers['x-scheduler-job-id'])).toEqual([
    'report',
    'report',
    'report',
    'report',
    'report',
    'sentinel',
  ]);
  expect(watch.messages).toHaveLength(6);

  // History outlives the jobs: the deleted one and the one-shot the engine removed once it ran.
  await api().get('/v1/jobs/sentinel').set(key).expect(404);
  const sentinelRuns = await api().get('/v1/jobs/sentinel/runs').set(key).expect(200);
  expect(sentinelRuns.body.items).toEqual([
    expect.objectContaining({ scheduledAt: '2030-06-01T01:31:00.000Z', outcome: 'success' }),
  ]);
  const deletedRuns = await api().get('/v1/jobs/report/runs?limit=2').set(key).expect(200);
  expect(deletedRuns.body.items.map((r: { scheduledAt: string }) => r.scheduledAt)).toEqual([
    '2030-06-01T00:58:00.000Z',
    '2030-06-01T00:57:00.000Z',
  ]);
  await api().get('/v1/jobs/never-existed/runs').set(key).expect(404);
});

it('exposes the named metrics on /metrics, with runs counted and consumer lag read from Kafka', async () => {
  const res = await api().get('/metrics').expect(200);
  const line = (name: string): number => {
    const found = res.text.split('\n').find((l) => l.startsWith(name));
    return found ? Number(found.split(' ').pop()) : NaN;
  };
  expect(line('scheduler_job_runs_total{outcome="success"}')).toBeGreaterThanOrEqual(6);
  expect(line('scheduler_fire_lateness_seconds_count{stage="start"}')).toBeGreaterThanOrEqual(6);
  expect(line('scheduler_claim_batch_size_count')).toBeGreaterThan(0);
  expect(line('outbox_unsent_events')).toBe(0);
  expect(line(`outbox_events_published_total{topic="${target}"}`)).toBeGreaterThanOrEqual(6);
  expect(line('outbox_publish_latency_seconds_count')).toBeGreaterThanOrEqual(6);
  expect(line('scheduler_jobs{state="scheduled"}')).toBe(0);
  expect(line('scheduler_due_backlog')).toBe(0);
  expect(res.text).toContain(`kafka_consumer_lag{group=`);
  expect(res.text).toContain(`topic="${serviceTopics.TOPIC_ORDERS_CREATED}"`);
  expect(res.text).not.toContain('metrics_collector_errors_total{');
});

it('pages the job list from MariaDB with filters, following the opaque cursor', async () => {
  const add = (id: string, name: string, trigger: object, paused = false) =>
    api()
      .post('/v1/jobs')
      .set(key)
      .send({ id, name, trigger, paused, action: { handler: 'publish', args: { topic: target, value: id } } })
      .expect(201);
  for (let i = 1; i <= 5; i++)
    await add(`late-${i}`, `late ${i}`, { type: 'date', runDate: `2031-01-0${6 - i}T00:00:00Z` });
  await add('late-cron', 'late cron', { type: 'cron', expr: '0 0 1 1 *', startDate: '2031-01-01T00:00:00Z' });
  await add('late-paused-b', 'late paused', { type: 'date', runDate: '2031-02-01T00:00:00Z' }, true);
  await add('late-paused-a', 'late paused', { type: 'date', runDate: '2031-02-01T00:00:00Z' }, true);
  await add('other', 'other', { type: 'date', runDate: '2031-01-01T12:00:00Z' });

  const pages = async (query: string): Promise<string[][]> => {
    const out: string[][] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/jobs?${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api().get(url).set(key).expect(200);
      out.push(res.body.items.map((j: { id: string }) => j.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null && out.length < 20);
    return out;
  };
  // late-5 runs 2031-01-01, late-1 on 2031-01-05; late-cron and late-5 tie at 2031-01-01 (by id).
  expect(await pages('namePrefix=late&limit=3')).toEqual([
    ['late-5', 'late-cron', 'late-4'],
    ['late-3', 'late-2', 'late-1'],
    ['late-paused-a', 'late-paused-b'],
  ]);
  expect(await pages('triggerType=date&state=scheduled&limit=4')).toEqual([
    ['late-5', 'other', 'late-4', 'late-3'],
    ['late-2', 'late-1'],
  ]);
  expect(await pages('state=paused&limit=1')).toEqual([['late-paused-a'], ['late-paused-b']]);
  expect(await pages('triggerType=cron')).toEqual([['late-cron']]);
});
