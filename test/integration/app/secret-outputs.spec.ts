import type { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import request from 'supertest';

import { FakeClock, Scheduler } from '../../../src/scheduler';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  collectMessages,
  createTopics,
  deleteTopics,
  jsonValue,
  produceMessages,
  type MessageCollector,
} from '../../support/test-kafka';
import { API_KEY, bootAdminApp, quiet, uniqueServiceTopics } from '../admin/admin-e2e-app';

// No secret leaves the running service (MariaDB, Kafka, real HTTP) when an error quotes one: a
// job whose handler throws an error naming every configured secret and a URL with a password is
// recorded in run history and dead runs, announced on scheduler.dead-letter, and logged; a
// request whose path quotes a key fails, answered and logged. None of these outputs shows one.
jest.setTimeout(120_000); // one app boot against MariaDB and Kafka, topic creation, a consumer join

const OTHER_KEY = 'second-admin-key-9876543210';
const SIGNING_SECRET = 'secret-outputs-signing-secret-0123456789';
const URL_PASSWORD = 'url-password-Zq81xv';
const SECRETS = [API_KEY, OTHER_KEY, SIGNING_SECRET, URL_PASSWORD];
const LEAK = `cannot connect to mysql://svc:${URL_PASSWORD}@db.internal:3306/app with key ${OTHER_KEY}, signing with ${SIGNING_SECRET}, called with ${API_KEY}`;
const T0 = new Date('2030-06-01T00:00:00.000Z');
const at = (s: number): Date => new Date(T0.getTime() + s * 1000);

let db: TestDatabase;
let topics: Record<string, string>;
let app: INestApplication;
let deadLetters: MessageCollector;
let commandsDlq: MessageCollector;
const clock = new FakeClock(T0);
const logs: string[] = [];
const key = { 'x-api-key': API_KEY };
const api = () => request(app.getHttpServer());

function expectNoSecret(text: string): void {
  for (const secret of SECRETS)
    expect({ secret, shown: text.includes(secret) }).toEqual({ secret, shown: false });
}

beforeAll(async () => {
  db = await createTestDatabase('secret_outputs');
  topics = uniqueServiceTopics('secrets');
  await createTopics([topics.TOPIC_SCHEDULER_DEAD_LETTER, `${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`], 1);
  app = await bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock,
    env: {
      LOG_LEVEL: 'info',
      ADMIN_API_KEYS: `${API_KEY},${OTHER_KEY}`,
      HTTP_TARGET_SIGNING_SECRET: SIGNING_SECRET,
      HTTP_TARGET_ALLOWED_HOSTS: '127.0.0.1',
    },
    logDestination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  deadLetters = await collectMessages(topics.TOPIC_SCHEDULER_DEAD_LETTER);
  commandsDlq = await collectMessages(`${topics.TOPIC_SCHEDULER_COMMANDS}.dlq`);
});

afterAll(async () => {
  await app?.close();
  await deadLetters?.stop();
  await commandsDlq?.stop();
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('a handler error quoting secrets: run history, dead runs, scheduler.dead-letter and the logs show none', async () => {
  app.get(Scheduler).registerHandler('leaky', () => {
    throw new Error(LEAK);
  });
  await api()
    .post('/v1/jobs')
    .set(key)
    .send({
      id: 'leaky-job',
      trigger: { type: 'date', runDate: at(5).toISOString() },
      action: { handler: 'leaky' },
      retry: { maxAttempts: 1 },
    })
    .expect(201);
  await clock.setAsync(at(5));
  await quiet(app, at(5));

  const runs = (await api().get('/v1/jobs/leaky-job/runs').set(key).expect(200)).body as {
    items: Array<{ outcome: string; error: string }>;
  };
  expect(runs.items.map((r) => r.outcome)).toEqual(['error']);
  expect(runs.items[0].error).toContain('mysql://svc:***@db.internal:3306/app with key [REDACTED]');
  const dead = (await api().get('/v1/dead-runs?jobId=leaky-job').set(key).expect(200)).body as {
    items: Array<{ lastError: string }>;
  };
  expect(dead.items).toHaveLength(1);
  expect(dead.items[0].lastError).toContain('cannot connect to');

  const [message] = await deadLetters.waitFor(1);
  const value = jsonValue<{ kind: string; jobId: string; lastError: string }>(message);
  expect(value).toMatchObject({ kind: 'run', jobId: 'leaky-job' });
  expect(value.lastError).toContain('cannot connect to');

  expect(logs.join('')).toContain('cannot connect to');
  expectNoSecret(JSON.stringify({ runs, dead, message, logs }));
});

it('a request whose path quotes a key fails, and neither its answer nor its log line shows the key', async () => {
  const before = logs.length;
  const res = await api().get(`/v1/jobs/${SIGNING_SECRET}`).set(key).expect(404);
  expect(res.body.detail).toContain('[REDACTED]');
  const lines = logs.slice(before).join('');
  expect(lines).toContain('"statusCode":404');
  expectNoSecret(`${res.text}${lines}`);
});

it('a command refused for a field quoting a key goes to the .dlq with an error header that does not show it', async () => {
  const http = { url: 'http://127.0.0.1:1/x', headers: { [OTHER_KEY]: 'line\nbreak' } };
  await produceMessages(topics.TOPIC_SCHEDULER_COMMANDS, [
    {
      key: 'leak',
      value: { eventId: 'leak-1', type: 'schedule', jobId: 'leak-job', delaySeconds: 60, http },
    },
  ]);
  const [letter] = await commandsDlq.waitFor(1);
  expect(letter.headers['x-dlq-error']).toContain('args.headers.[REDACTED]');
  expectNoSecret(JSON.stringify(letter.headers));
});
