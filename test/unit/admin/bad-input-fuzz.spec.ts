import fc from 'fast-check';
import request from 'supertest';

import { API_KEY, createAdminTestApp, type AdminTestApp } from './admin-app';

// No input produces a 500, and no refused request changes the store: a few hundred generated bad
// requests, spread over every route, each must get a problem+json 4xx.

const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const notBool = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant([true]));
const badMaxInstances = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 1001 }),
  fc.constantFrom(1.5, '2', null, true),
);
const badGrace = fc.oneof(fc.integer({ max: 0 }), fc.constantFrom(-0.5, '60', true, [1], {}));

const badTrigger = fc.oneof(
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
  alnum.map((s) => ({ type: `no-${s}` })),
  alnum.map((s) => ({ type: 'cron', hour: 1, timezone: `Nowhere/${s}` })),
  fc.integer({ max: -1 }).map((n) => ({ type: 'interval', seconds: n })),
  fc.constant({
    type: 'interval',
    hours: 1,
    startDate: '2027-01-01T00:00:00Z',
    endDate: '2026-01-01T00:00:00Z',
  }),
  fc.constant({ type: 'interval' }),
  fc.integer({ min: 24, max: 100000 }).map((h) => ({ type: 'cron', hour: h })),
  fc.integer({ min: 60, max: 100000 }).map((m) => ({ type: 'cron', minute: m })),
  fc.integer({ min: 13, max: 1000 }).map((m) => ({ type: 'cron', month: m })),
  fc.constantFrom('funday', 'mon-xyz', '*/0', '9-', 'last fri-').map((d) => ({ type: 'cron', dayOfWeek: d })),
  fc
    .constantFrom('* * *', '61 * * * *', 'a b c d e', '* * * * * * *', '*/0 * * * *', '')
    .map((expr) => ({ type: 'cron', expr })),
  alnum.map((k) => ({ type: 'cron', hour: 1, [`zz_${k}`]: 1 })),
  alnum.map((s) => ({ type: 'interval', hours: `x${s}` })),
  alnum.map((s) => ({ type: 'date', runDate: `not a date ${s}` })),
  fc.constant({ type: 'date', runDate: 1700000000 }),
  fc.constant({ type: 'and', triggers: [] }),
  fc.constant({ type: 'or', triggers: [{ type: 'cron', hour: 99 }] }),
  fc.constant({ type: 'cron', dayOfWeek: 'mon', day_of_week: 'tue' }),
  alnum.map((s) => ({ trigger: `no-${s}`, params: {} })),
  fc.constant({ trigger: 'cron', params: { hour: 25 } }),
);

const goodTrigger = { type: 'interval', hours: 1 };
const goodAction = { handler: 'count' };

/** A create body with exactly one thing wrong. */
const badCreate = fc.oneof(
  badTrigger.map((trigger) => ({ trigger, action: goodAction })),
  fc.constant({ action: goodAction }),
  fc.constant({ trigger: goodTrigger }),
  notString.map((name) => ({ name, trigger: goodTrigger, action: goodAction })),
  fc
    .oneof(notString, fc.constant(''), fc.constant('x'.repeat(192)))
    .map((id) => ({ id, trigger: goodTrigger, action: goodAction })),
  notBool.map((coalesce) => ({ coalesce, trigger: goodTrigger, action: goodAction })),
  notBool.map((paused) => ({ paused, trigger: goodTrigger, action: goodAction })),
  notBool.map((replaceExisting) => ({ replaceExisting, trigger: goodTrigger, action: goodAction })),
  badMaxInstances.map((maxInstances) => ({ maxInstances, trigger: goodTrigger, action: goodAction })),
  badGrace.map((misfireGraceTime) => ({ misfireGraceTime, trigger: goodTrigger, action: goodAction })),
  alnum.map((handler) => ({ trigger: goodTrigger, action: { handler: `unknown-${handler}` } })),
  fc.oneof(notString, fc.constant('')).map((handler) => ({ trigger: goodTrigger, action: { handler } })),
  fc
    .constantFrom({}, { topic: 'a b' }, { topic: 't' }, { topic: 't', value: 1, headers: { h: 1 } }, [], 'x')
    .map((args) => ({ trigger: goodTrigger, action: { handler: 'publish', args } })),
  alnum.map((k) => ({ trigger: goodTrigger, action: goodAction, [`extra${k}`]: true })),
  alnum.map((k) => ({ trigger: goodTrigger, action: { ...goodAction, [`extra${k}`]: 1 } })),
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('trigger' in v)),
);

const badPatch = fc.oneof(
  notString.map((name) => ({ name })),
  notBool.map((coalesce) => ({ coalesce })),
  badMaxInstances.map((maxInstances) => ({ maxInstances })),
  badGrace.map((misfireGraceTime) => ({ misfireGraceTime })),
  alnum.map((handler) => ({ action: { handler: `unknown-${handler}` } })),
  fc.constant({ action: null }),
  fc.constant({ trigger: goodTrigger }),
  alnum.map((k) => ({ [`extra${k}`]: 1 })),
);

const badPreview = fc.oneof(
  badTrigger.map((trigger) => ({ trigger })),
  fc.constantFrom(0, 1001, -1, 1.5, '3', null).map((count) => ({ trigger: goodTrigger, count })),
  alnum.map((s) => ({ trigger: goodTrigger, now: `yesterday ${s}` })),
  fc.constant({ trigger: goodTrigger, now: 12 }),
  fc.constant({}),
);

const badQuery = fc.oneof(
  fc.constantFrom('0', '501', '-1', 'abc', '1.5').map((limit) => ({ limit })),
  alnum.map((state) => ({ state: `s-${state}` })),
  alnum.map((t) => ({ triggerType: `t-${t}` })),
  fc.string().map((s) => ({ cursor: Buffer.from(`garbage:${s}`).toString('base64url') })),
  fc.constantFrom('a b', '***', '{"t":1}').map((cursor) => ({ cursor })),
  alnum.map((k) => ({ [`extra${k}`]: '1' })),
);

type Req = {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  body?: unknown;
  query?: object;
  raw?: string;
  key?: string | null;
};

const missingId = alnum.map((s) => `missing-${s}`);
const requests: fc.Arbitrary<Req> = fc.oneof(
  badCreate.map((body) => ({ method: 'post' as const, path: '/v1/jobs', body })),
  badPatch.map((body) => ({ method: 'patch' as const, path: '/v1/jobs/keep', body })),
  badTrigger.map((trigger) => ({
    method: 'post' as const,
    path: '/v1/jobs/keep/reschedule',
    body: { trigger },
  })),
  fc.constant({
    method: 'post' as const,
    path: '/v1/jobs/keep/reschedule',
    body: { trigger: goodTrigger, name: 'x' },
  }),
  badPreview.map((body) => ({ method: 'post' as const, path: '/v1/triggers/preview', body })),
  badQuery.map((query) => ({ method: 'get' as const, path: '/v1/jobs', query })),
  fc
    .constantFrom('0', '501', 'x')
    .map((limit) => ({ method: 'get' as const, path: '/v1/jobs/keep/runs', query: { limit } })),
  fc.tuple(missingId, fc.constantFrom('', '/pause', '/resume', '/run', '/runs')).map(([id, suffix]) => ({
    method: suffix === '' || suffix === '/runs' ? ('get' as const) : ('post' as const),
    path: `/v1/jobs/${id}${suffix}`,
  })),
  missingId.map((id) => ({ method: 'delete' as const, path: `/v1/jobs/${id}` })),
  missingId.map((id) => ({ method: 'patch' as const, path: `/v1/jobs/${id}`, body: { name: 'x' } })),
  fc.string().map((raw) => ({ method: 'post' as const, path: '/v1/jobs', raw: `{${raw}` })),
  fc
    .constantFrom('/v1/jobs', '/v1/jobs/keep', '/v1/triggers/preview')
    .chain((path) =>
      fc.constantFrom(null, 'wrong-key-0123456789').map((key) => ({ method: 'get' as const, path, key })),
    ),
  fc.constantFrom(null, 'wrong').map((key) => ({ method: 'delete' as const, path: '/v1/jobs/keep', key })),
);

describe('bad input over every admin route', () => {
  let t: AdminTestApp;

  beforeAll(async () => {
    t = await createAdminTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '100000' });
    t.scheduler.registerHandler('count', () => {});
    await t.scheduler.addJob({
      id: 'keep',
      trigger: { type: 'cron', hour: 5 },
      action: { handler: 'count' },
    });
  });

  afterAll(async () => {
    await t?.app.close();
  });

  const snapshot = async (): Promise<string> =>
    JSON.stringify([await t.scheduler.getJobs(), await t.scheduler.getRunHistory('keep', 100)]);

  it('answers only 4xx problem+json and leaves the store as it was', async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        let req = request(t.app.getHttpServer())[r.method](r.path);
        if (r.key !== null) req = req.set('x-api-key', r.key ?? API_KEY);
        if (r.query) req = req.query(r.query);
        if (r.raw !== undefined) req = req.set('content-type', 'application/json').send(r.raw);
        else if (r.body !== undefined)
          req = req.set('content-type', 'application/json').send(JSON.stringify(r.body));
        const res = await req;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          status: res.status,
          type: expect.any(String),
          title: expect.any(String),
        });
        expect(Array.isArray(res.body.errors)).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(await snapshot()).toBe(before);
    // The generators reach the validation, engine, lookup and auth paths alike.
    for (const status of [400, 401, 403, 404, 422]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
