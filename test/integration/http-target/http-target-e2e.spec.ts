import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

import { HTTP_APP_OPTIONS, httpAdapter, setupHttp } from '../../../src/admin/http-setup';
import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { verifySignature } from '../../../src/http-target/signature';
import { FakeClock } from '../../../src/scheduler';
import { eventually } from '../../support/eventually';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { deleteTopics } from '../../support/test-kafka';
import { API_KEY, bootAdminApp, quiet, uniqueServiceTopics } from '../admin/admin-e2e-app';

// An http job made over the admin API, fired by the service on MariaDB at a fake-clock instant,
// delivered to a real HTTP server with its signature; and the API refusing what it cannot deliver.
jest.setTimeout(120_000);

const SECRET = 'e2e-signing-secret-0123456789abcdef';
const T0 = new Date('2030-06-01T00:00:00.000Z');
let db: TestDatabase;
let topics: Record<string, string>;
let app: INestApplication;
let server: Server;
let port: number;
const clock = new FakeClock(T0);
const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
const api = () => request(app.getHttpServer());

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  db = await createTestDatabase('http_target_e2e');
  topics = uniqueServiceTopics('http');
  app = await bootAdminApp({
    databaseUrl: db.url,
    topics,
    clock,
    env: { HTTP_TARGET_SIGNING_SECRET: SECRET, HTTP_TARGET_ALLOWED_HOSTS: '127.0.0.1' },
  });
});

afterAll(async () => {
  await app?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await deleteTopics(Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('fires an http job at its time and delivers a signed request once', async () => {
  await api()
    .post('/v1/jobs')
    .set('x-api-key', API_KEY)
    .send({
      id: 'notify-1',
      trigger: { type: 'date', runDate: '2030-06-01T00:05:00Z' },
      action: { handler: 'http', args: { url: `http://127.0.0.1:${port}/hook`, body: { hello: 'world' } } },
    })
    .expect(201);
  expect(received).toHaveLength(0);

  const due = new Date('2030-06-01T00:05:00.000Z');
  await clock.setAsync(due);
  await quiet(app, due);
  await eventually('the delivery', async () => (received.length === 1 ? true : undefined));
  const [r] = received;
  expect(r.body).toBe('{"hello":"world"}');
  expect(
    verifySignature(SECRET, r.headers['x-delayed-action-signature'] as string, r.body, Date.now() / 1000),
  ).toBe(true);
  const runs = await api().get('/v1/jobs/notify-1/runs').set('x-api-key', API_KEY).expect(200);
  expect(runs.body.items.map((run: { outcome: string }) => run.outcome)).toEqual(['success']);
});

it.each([
  [{ url: 'ftp://example.com/x' }, 'action.args.url'],
  [{ url: 'http://10.0.0.1/x' }, 'action.args.url'],
  [{ url: 'http://169.254.169.254/latest/meta-data' }, 'action.args.url'],
  [{ url: 'https://example.com', body: {}, bodyText: 'x' }, 'action.args.bodyText'],
  [{ url: 'https://example.com', surprise: true }, 'action.args.surprise'],
])('refuses http args %j with a 422 naming %s', async (args, field) => {
  const res = await api()
    .post('/v1/jobs')
    .set('x-api-key', API_KEY)
    .send({ trigger: { type: 'date', runDate: '2030-06-02T00:00:00Z' }, action: { handler: 'http', args } })
    .expect(422);
  expect(JSON.stringify(res.body)).toContain(field);
});

it('refuses http jobs when no signing secret is configured', async () => {
  const config = loadConfig({ LOG_LEVEL: 'silent', ADMIN_API_KEYS: API_KEY });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const embedded = moduleRef.createNestApplication(httpAdapter(config), HTTP_APP_OPTIONS);
  setupHttp(embedded, config);
  await embedded.init();
  try {
    const res = await request(embedded.getHttpServer())
      .post('/v1/jobs')
      .set('x-api-key', API_KEY)
      .send({
        trigger: { type: 'date', runDate: '2030-06-02T00:00:00Z' },
        action: { handler: 'http', args: { url: 'https://example.com' } },
      })
      .expect(422);
    expect(JSON.stringify(res.body)).toContain('HTTP_TARGET_SIGNING_SECRET');
  } finally {
    await embedded.close();
  }
});
