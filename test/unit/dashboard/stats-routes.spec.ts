import request from 'supertest';

import { API_KEY, createAdminTestApp, type AdminTestApp } from '../admin/admin-app';
import {
  ActivityWindow,
  LATENCY_BOUNDS,
  mergeActivity,
  quantile,
} from '../../../src/dashboard/activity/minute-buckets';
import { ALL_OUTBOX_SHARDS } from '../../../src/scheduler';

// The dashboard's read-only routes in embedded mode (memory store and bus, fake clock). The same
// routes on MariaDB + Kafka are driven through the browser test (test/integration/dashboard).

let t: AdminTestApp;
const key = { 'x-api-key': API_KEY };
const http = () => request(t.app.getHttpServer());

beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(async () => {
  await t?.app.close();
});

it('every stats and orders route needs the key', async () => {
  for (const path of [
    '/v1/stats/jobs',
    '/v1/stats/activity',
    '/v1/stats/messaging',
    '/v1/stats/replicas',
    '/v1/orders/o-1',
  ])
    await http().get(path).expect(401);
});

it('counts jobs by state and trigger type, the due backlog, and fires per minute with lateness', async () => {
  await http()
    .post('/v1/jobs')
    .set(key)
    .send({ id: 'every-minute', trigger: { type: 'interval', minutes: 1 }, action: { handler: 'noop' } })
    .expect((res) => expect([201, 422]).toContain(res.status));
  const jobs = await http().get('/v1/stats/jobs').set(key).expect(200);
  expect(jobs.body).toEqual({
    scheduled: expect.any(Number),
    paused: expect.any(Number),
    byTriggerType: expect.any(Array),
    due: expect.any(Number),
  });
  const activity = await http().get('/v1/stats/activity').set(key).expect(200);
  expect(activity.body.windowMinutes).toBe(60);
  expect(activity.body.minutes).toHaveLength(60);
  const replicas = await http().get('/v1/stats/replicas').set(key).expect(200);
  expect(replicas.body.replicas).toEqual([
    expect.objectContaining({
      self: true,
      relayLeader: true,
      relayShards: ALL_OUTBOX_SHARDS,
      leasesHeld: expect.any(Number),
    }),
  ]);
  const self = replicas.body.replicas[0].replicaId as string;
  const messaging = await http().get('/v1/stats/messaging').set(key).expect(200);
  expect(messaging.body.outbox).toEqual(
    expect.objectContaining({
      backlog: 0,
      relayLeader: self,
      relays: [{ replicaId: self, shards: ALL_OUTBOX_SHARDS }],
    }),
  );
  expect(messaging.body.inbound.map((i: { topic: string }) => i.topic)).toEqual(
    expect.arrayContaining(['orders.created', 'orders.paid', 'scheduler.commands']),
  );
});

it('looks up an order through its state, timeout job and emitted events', async () => {
  await http()
    .post('/v1/events/orders.created')
    .set(key)
    .send({
      orderId: 'o-42',
      createdAt: '2026-03-27T00:00:30Z',
      items: [{ skuId: 's', quantity: 1 }],
      paymentTimeoutSeconds: 60,
    })
    .expect(202);
  let order = await http().get('/v1/orders/o-42').set(key).expect(200);
  for (let i = 0; i < 200 && order.body.stage !== 'pending'; i++) {
    await new Promise((r) => setTimeout(r, 10));
    order = await http().get('/v1/orders/o-42').set(key).expect(200);
  }
  expect(order.body).toMatchObject({ stage: 'pending', timeoutJobId: 'order-timeout:o-42', events: [] });
  expect(order.body.timeoutJob.nextRunTime).toBe('2026-03-27T00:01:30.000Z');
  await t.clock.setAsync('2026-03-27T00:02:00Z');
  for (let i = 0; i < 200 && order.body.stage !== 'cancelled'; i++) {
    await new Promise((r) => setTimeout(r, 10));
    order = await http().get('/v1/orders/o-42').set(key).expect(200);
  }
  expect(order.body.stage).toBe('cancelled');
  expect(order.body.events.map((e: { kind: string }) => e.kind)).toEqual(['cancel', 'restock']);
  const cancels = await http().get('/v1/events/orders.cancel').set(key).expect(200);
  expect(cancels.body.messages.map((m: { value: { eventId: string } }) => m.value.eventId)).toContain(
    order.body.events[0].eventId,
  );
  await http()
    .get('/v1/orders/never-seen')
    .set(key)
    .expect(200, /"stage":"unknown"/);
  await http()
    .get(`/v1/orders/${encodeURIComponent(' padded')}`)
    .set(key)
    .expect(422);
});

it('merges per-minute histograms and reads quantiles from them', () => {
  const w = new ActivityWindow();
  const now = new Date('2026-01-01T10:30:30Z');
  for (let i = 0; i < 99; i++) w.recordFire(new Date('2026-01-01T10:30:00Z'), 0.02, true);
  w.recordFire(new Date('2026-01-01T10:30:00Z'), 20, false);
  w.recordFire(new Date('2026-01-01T09:00:00Z'), 1, true); // older than the hour: dropped
  const merged = mergeActivity([w.snapshot(now), w.snapshot(now)], now);
  expect(merged).toHaveLength(60);
  const last = merged[59];
  expect(last).toMatchObject({ fires: 200, errors: 2 });
  expect(quantile(last.lateness, 0.5)).toBeGreaterThan(0.01);
  expect(quantile(last.lateness, 0.5)).toBeLessThanOrEqual(0.025);
  expect(quantile(last.lateness, 0.995)).toBeGreaterThan(10);
  expect(quantile(new Array(LATENCY_BOUNDS.length + 1).fill(0), 0.5)).toBeNull();
});
