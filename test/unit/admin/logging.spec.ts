import { Writable } from 'node:stream';

import request from 'supertest';

import { createAppLogger } from '../../../src/app/logging/logger';
import { scrubSecrets } from '../../../src/app/logging/secret-scrubber';
import { requestIdFrom } from '../../../src/app/logging/request-context';
import { API_KEY, createAdminTestApp } from './admin-app';

function sink(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

describe('logging', () => {
  it('censors API keys, authorization and URL passwords', () => {
    const { stream, lines } = sink();
    const logger = createAppLogger('info', stream);
    logger.info({ req: { headers: { 'x-api-key': 'k-secret', authorization: 'Bearer t' } } }, 'request');
    logger.error({ err: new Error('connect failed mysql://svc:hunter2@db:3306/app') }, 'db down');
    logger.warn('cannot reach mysql://svc:hunter2@db:3306/app');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('k-secret');
    expect(text).not.toContain('Bearer t');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('mysql://svc:***@db:3306/app');
    expect(scrubSecrets('amqp://u:p@h x')).toBe('amqp://u:***@h x');
  });

  it('honours the level', () => {
    const { stream, lines } = sink();
    const logger = createAppLogger('warn', stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toEqual([expect.objectContaining({ msg: 'shown', level: 40 })]);
  });

  it('reuses only plain request ids', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('has space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// The app's logging as wired by main.ts (nestjs-pino over pino-http), read from its destination.
describe('logging through nestjs-pino in the app', () => {
  const out = sink();
  let t: Awaited<ReturnType<typeof createAdminTestApp>>;

  beforeAll(async () => {
    t = await createAdminTestApp({ LOG_LEVEL: 'debug' }, { logDestination: out.stream });
    t.scheduler.registerHandler('noop', () => undefined);
  });

  afterAll(async () => {
    await t?.app.close();
  });

  it('logs each request once with its id, and every line it causes carries that id', async () => {
    await request(t.app.getHttpServer())
      .post('/v1/jobs')
      .set('x-api-key', API_KEY)
      .set('x-request-id', 'req-log-1')
      .send({ id: 'logged', trigger: { type: 'interval', hours: 1 }, action: { handler: 'noop' } })
      .expect(201);
    const mine = out.lines.filter((l) => l.requestId === 'req-log-1');
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'job added', jobId: 'logged', context: 'scheduler', level: 30 }),
        expect.objectContaining({
          msg: 'request completed',
          res: expect.objectContaining({ statusCode: 201 }),
        }),
      ]),
    );
    const completed = mine.find((l) => l.msg === 'request completed') as { req: { headers: object } };
    expect(completed.req.headers).toMatchObject({ 'x-api-key': '[REDACTED]' });
    expect(JSON.stringify(out.lines)).not.toContain(API_KEY);
  });

  it('routes Nest Logger calls to pino with their context, as JSON with the service name', async () => {
    const { Logger } = await import('@nestjs/common');
    new Logger('Jobs').warn('careful');
    new Logger('Jobs').error(new Error('boom mysql://u:hunter2@db/x'));
    expect(out.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          msg: 'careful',
          context: 'Jobs',
          level: 40,
          service: 'delayed-action-service',
        }),
        expect.objectContaining({
          context: 'Jobs',
          level: 50,
          err: expect.objectContaining({ type: 'Error' }),
        }),
      ]),
    );
    expect(JSON.stringify(out.lines)).not.toContain('hunter2');
  });

  it('leaves out health and metrics scrapes', async () => {
    const before = out.lines.length;
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    expect(out.lines.slice(before).filter((l) => l.msg === 'request completed')).toEqual([]);
  });
});
