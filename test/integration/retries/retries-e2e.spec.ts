import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

import { FakeClock } from '../../../src/scheduler';
import { eventually } from '../../support/eventually';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  collectMessages,
  createTopics,
  deleteTopics,
  jsonValue,
  uniqueTopic,
  type MessageCollector,
} from '../../support/test-kafka';
import { API_KEY, bootAdminApp, quiet, uniqueServiceTopics } from '../admin/admin-e2e-app';

// Retry policy, dead runs and redrive end to end: the service on MariaDB and Kafka, an http job
// against a real HTTP server that fails on command, business time on a fake clock, and a replica
// replaced between two attempts (the schedule of attempts is in the database, not in memory).
jest.setTimeout(180_000); // two app boots against MariaDB and Kafka, topic creation, consumer joins

const SECRET = 'retry-e2e-signing-secret-0123456789';
const T0 = new Date('2030-06-01T00:00:00.000Z');
const at = (s: number): Date => new Date(T0.getTime() + s * 1000);
const policy = { maxAttempts: 3, backoff: { initialSeconds: 10, multiplier: 2, maxSeconds: 60, jitter: 0 } };

let db: TestDatabase;
let topics: Record<string, string>;
let app: INestApplication;
let server: Server;
let port: number;
let failNext = 0;
let deadLetters: MessageCollector;
const hits: string[] = [];
const clock = new FakeClock(T0);
const api = () => request(app.getHttpServer());
const key = { 'x-api-key': API_KEY };

async function boot(): Promise<INestApplication> {
  return bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock,
    env: {
      HTTP_TARGET_SIGNING_SECRET: SECRET,
      HTTP_TARGET_ALLOWED_HOSTS: '127.0.0.1',
      TOPIC_SCHEDULER_DEAD_LETTER: topics.TOPIC_SCHEDULER_DEAD_LETTER,
    },
  });
}

async function advanceTo(seconds: number): Promise<void> {
  await clock.setAsync(at(seconds));
  await quiet(app, at(seconds));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    if (failNext > 0) {
      failNext--;
      res.writeHead(503).end('busy');
    } else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  db = await createTestDatabase('retries_e2e');
  topics = { ...uniqueServiceTopics('retries'), TOPIC_SCHEDULER_DEAD_LETTER: uniqueTopic('retries.dead') };
  await createTopics([topics.TOPIC_SCHEDULER_DEAD_LETTER], 1);
  app = await boot();
  deadLetters = await collectMessages(topics.TOPIC_SCHEDULER_DEAD_LETTER);
});

afterAll(async () => {
  await app?.close();
  await deadLetters?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

const runsOf = async (id: string) =>
  (
    (await api().get(`/v1/jobs/${id}/runs`).set(key).expect(200)).body.items as Array<{
      outcome: string;
      attempt: number;
      startedAt: string;
    }>
  )
    .reverse()
    .map((r) => [r.startedAt, r.outcome, r.attempt]);

it('retries a failing delivery on its back-off, across a replica restart, until it succeeds', async () => {
  failNext = 2;
  await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'notify',
      trigger: { type: 'date', runDate: at(5).toISOString() },
      action: { handler: 'http', args: { url: `http://127.0.0.1:${port}/notify` } },
      retry: policy,
    })
    .expect(201);
  await advanceTo(5);
  const job = (await api().get('/v1/jobs/notify').set(key).expect(200)).body;
  expect(job.pendingRetries).toEqual([
    { scheduledAt: at(5).toISOString(), attempt: 2, dueAt: at(15).toISOString() },
  ]);
  expect(job.nextRunTime).toBe(at(15).toISOString());

  // The replica goes away between attempts; a new one takes over from the database.
  await app.close();
  app = await boot();
  await advanceTo(15);
  await advanceTo(35);
  expect(await runsOf('notify')).toEqual([
    [at(5).toISOString(), 'error', 1],
    [at(15).toISOString(), 'error', 2],
    [at(35).toISOString(), 'success', 3],
  ]);
  expect(hits.filter((h) => h === '/notify')).toHaveLength(3);
  await api().get('/v1/jobs/notify').set(key).expect(404); // one-shot, delivered
});

it('makes an exhausted run dead: listed, on scheduler.dead-letter, and redrivable once the target is back', async () => {
  failNext = 100;
  await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'doomed',
      trigger: { type: 'date', runDate: at(100).toISOString() },
      action: { handler: 'http', args: { url: `http://127.0.0.1:${port}/doomed` } },
      retry: { ...policy, maxAttempts: 2 },
    })
    .expect(201);
  await advanceTo(100);
  await advanceTo(110);
  const page = (await api().get('/v1/dead-runs?jobId=doomed').set(key).expect(200)).body;
  expect(page.items).toHaveLength(1);
  const [dead] = page.items;
  expect(dead).toMatchObject({
    jobId: 'doomed',
    scheduledAt: at(100).toISOString(),
    attempts: 2,
    handler: 'http',
  });
  expect(dead.lastError).toContain('503');
  await api().get('/v1/jobs/doomed').set(key).expect(404);

  const [message] = await deadLetters.waitFor(1);
  expect(message.key).toBe('doomed');
  expect(jsonValue(message)).toMatchObject({
    kind: 'run',
    jobId: 'doomed',
    scheduledAt: at(100).toISOString(),
    attempts: 2,
    handler: 'http',
  });
  expect(message.headers['x-event-id']).toBe((jsonValue(message) as { eventId: string }).eventId);

  failNext = 0;
  await api().post(`/v1/dead-runs/${dead.id}/retry`).set(key).expect(202);
  await api().post(`/v1/dead-runs/${dead.id}/retry`).set(key).expect(409);
  await quiet(app, at(110));
  await eventually('the redriven delivery', async () =>
    hits.filter((h) => h === '/doomed').length === 3 ? true : undefined,
  );
  expect((await runsOf('doomed')).map((r) => r[1])).toEqual(['error', 'error', 'success']);
  expect((await api().get('/v1/dead-runs?jobId=doomed').set(key).expect(200)).body.items).toEqual([]);
  await api().delete(`/v1/dead-runs/${dead.id}`).set(key).expect(409);
  await api().get('/v1/dead-runs/424242').set(key).expect(404);
});

it('refuses a bad retry policy with a 422 naming the field', async () => {
  const res = await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      trigger: { type: 'date', runDate: at(500).toISOString() },
      action: { handler: 'http', args: { url: `http://127.0.0.1:${port}/x` } },
      retry: { maxAttempts: 0 },
    })
    .expect(422);
  expect(JSON.stringify(res.body)).toContain('retry.maxAttempts');
});
