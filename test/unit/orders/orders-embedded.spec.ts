import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import { FakeClock } from '../../../src/scheduler';
import { httpAdapter } from '../../../src/admin/http-setup';

// Embedded mode wiring (no DATABASE_URL, no KAFKA_BROKERS): the Nest modules register the
// 'orders.timeout' action and the inbound routes, events go in and out through /v1/events.
describe('orders and commands in embedded mode (memory bus, memory store, fake clock)', () => {
  const start = new Date('2030-01-01T00:00:00.000Z');
  const API_KEY = 'orders-embedded-test-key';
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock(start);
    const config = loadConfig({
      ADMIN_API_KEYS: API_KEY,
      LOG_LEVEL: 'silent',
      ORDER_PAYMENT_TIMEOUT_SECONDS: '60',
      OUTBOX_POLL_MS: '10',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication(httpAdapter(), { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (topic: string, body: object) =>
    request(app.getHttpServer()).post(`/v1/events/${topic}`).set('x-api-key', API_KEY).send(body);
  const read = async (
    topic: string,
  ): Promise<Array<{ key: string; value: Record<string, unknown>; headers: Record<string, string> }>> =>
    (await request(app.getHttpServer()).get(`/v1/events/${topic}`).set('x-api-key', API_KEY).expect(200)).body
      .messages;
  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('created → cancel + restock after the timeout; paid in time → nothing; paid late → late-payment', async () => {
    const items = [{ skuId: 's1', quantity: 3 }];
    await post('orders.created', { orderId: 'e-1', createdAt: start.toISOString(), items }).expect(202);
    await post('orders.created', { orderId: 'e-2', createdAt: start.toISOString(), items }).expect(202);
    await post('orders.paid', { orderId: 'e-2', paidAt: start.toISOString() }).expect(202);
    await eventually('the payment of e-2', async () =>
      (await read('orders.paid')).length === 1 ? true : undefined,
    );
    await clock.advanceAsync(61_000);
    const cancels = await eventually('the cancel', async () => {
      const m = await read('orders.cancel');
      return m.length > 0 ? m : undefined;
    });
    expect(cancels.map((m) => m.key)).toEqual(['e-1']);
    expect(cancels[0].value).toMatchObject({ orderId: 'e-1', reason: 'payment_timeout', items });
    expect(cancels[0].headers['x-event-id']).toBe(cancels[0].value.eventId);
    expect((await read('inventory.restock')).map((m) => m.key)).toEqual(['e-1']);
    await post('orders.paid', { orderId: 'e-1', paidAt: clock.now().toISOString() }).expect(202);
    const late = await eventually('the late payment', async () => {
      const m = await read('orders.late-payment');
      return m.length > 0 ? m : undefined;
    });
    expect(late[0]).toMatchObject({
      key: 'e-1',
      value: { orderId: 'e-1', cancelledAt: cancels[0].value.firedAt },
    });
  });

  it('refuses an impossible date with a 400 naming the field', async () => {
    const res = await post('orders.created', {
      orderId: 'bad',
      createdAt: '2025-02-30T10:00:00Z',
      items: [{ skuId: 's', quantity: 1 }],
    }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('createdAt');
  });

  it('a schedule command publishes its target with the scheduler headers', async () => {
    await post('scheduler.commands', {
      type: 'schedule',
      jobId: 'cmd-1',
      delaySeconds: 5,
      target: { topic: 'reminders', key: 'k-1', value: { hello: 'world' }, headers: { 'x-a': 'b' } },
    }).expect(202);
    await eventually('the command', async () =>
      (await read('scheduler.commands')).length === 1 ? true : undefined,
    );
    await clock.advanceAsync(6_000);
    const [msg] = await eventually('the publish', async () => {
      const m = await read('reminders');
      return m.length > 0 ? m : undefined;
    });
    expect(msg).toMatchObject({
      key: 'k-1',
      value: { hello: 'world' },
      headers: { 'x-a': 'b', 'x-scheduler-job-id': 'cmd-1', 'x-scheduler-scheduled-at': expect.any(String) },
    });
  });
});
