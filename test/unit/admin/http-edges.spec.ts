import request from 'supertest';

import { API_KEY, createAdminTestApp, START, type AdminTestApp } from './admin-app';

// Security, limits and the open routes, over HTTP against the embedded app.
describe('admin HTTP edges', () => {
  let t: AdminTestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createAdminTestApp({ HTTP_MAX_BODY_BYTES: '4096', ADMIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });

  afterAll(async () => {
    await t?.app.close();
  });

  describe('API key', () => {
    it('answers 401 without a key and 403 with a wrong one, as problem+json', async () => {
      const none = await http().get('/v1/jobs').expect(401);
      expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(none.body).toMatchObject({ status: 401, code: 'API_KEY_MISSING' });
      const wrong = await http().get('/v1/jobs').set('x-api-key', 'not-the-key-at-all').expect(403);
      expect(wrong.body).toMatchObject({ status: 403, code: 'API_KEY_INVALID' });
      await http().get('/v1/jobs').set('x-api-key', `${API_KEY}x`).expect(403);
      await http().get('/v1/jobs').set('x-api-key', API_KEY).expect(200);
    });

    it('guards every /v1 route, the embedded /v1/events routes included; an unknown path is a 404', async () => {
      await http().post('/v1/triggers/preview').send({}).expect(401);
      await http().get('/v1/events/orders.cancel').expect(401);
      await http().post('/v1/events/orders.created').send({}).expect(401);
      const unknown = await http().get('/v1/nothing-here').set('x-api-key', API_KEY).expect(404);
      expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('leaves /health, /metrics and /docs open', async () => {
      await http().get('/health/live').expect(200);
      await http().get('/metrics').expect(200);
      await http().get('/docs-json').expect(200);
      await http().get('/docs').expect(200);
    });

    it('refuses every admin request when no keys are configured', async () => {
      const closed = await createAdminTestApp({ ADMIN_API_KEYS: '' });
      try {
        const res = await request(closed.app.getHttpServer())
          .get('/v1/jobs')
          .set('x-api-key', API_KEY)
          .expect(403);
        expect(res.body.detail).toMatch(/no ADMIN_API_KEYS/);
        await request(closed.app.getHttpServer()).get('/health/live').expect(200);
      } finally {
        await closed.app.close();
      }
    });
  });

  it('answers 413 problem+json past HTTP_MAX_BODY_BYTES', async () => {
    const res = await http()
      .post('/v1/triggers/preview')
      .set('x-api-key', API_KEY)
      .send({ trigger: { type: 'interval', hours: 1 }, pad: 'x'.repeat(5000) })
      .expect(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('holds a body sent with GET to the same rule as any other: 415 unless JSON, 400 when malformed', async () => {
    const text = await http()
      .get('/v1/jobs')
      .set('x-api-key', API_KEY)
      .set('content-type', 'text/plain')
      .send('x')
      .expect(415);
    expect(text.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const malformed = await http()
      .get('/v1/nothing-here')
      .set('x-api-key', API_KEY)
      .set('content-type', 'application/json')
      .send('{not json')
      .expect(400);
    expect(malformed.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    await http()
      .get('/v1/jobs')
      .set('x-api-key', API_KEY)
      .set('content-type', 'application/json')
      .send('{}')
      .expect(200);
  });

  it("mounts no body parser but jsonBody (none of Nest's json/urlencoded parsers)", () => {
    const fastify = t.app.getHttpAdapter().getInstance() as object;
    const symbol = Object.getOwnPropertySymbols(fastify).find(
      (s) => s.description === 'fastify.contentTypeParser',
    );
    const parsers = (fastify as Record<symbol, { customParsers: Map<string, { fn: { name: string } }> }>)[
      symbol!
    ];
    const names = [...parsers.customParsers.values()].map((parser) => parser.fn.name);
    expect(names).toContain('readJsonBody');
    expect(names.filter((name) => name !== 'readJsonBody')).toEqual([]);
  });

  it('answers 429 problem+json past ADMIN_RATE_LIMIT_PER_MINUTE, never on public routes', async () => {
    const limited = await createAdminTestApp({ ADMIN_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const server = limited.app.getHttpServer();
      for (let i = 0; i < 3; i++) await request(server).get('/v1/jobs').set('x-api-key', API_KEY).expect(200);
      const res = await request(server).get('/v1/jobs').set('x-api-key', API_KEY).expect(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(res.headers['retry-after']).toBeDefined();
      await request(server).get('/health/live').expect(200);
    } finally {
      await limited.app.close();
    }
  });

  it('echoes a plain x-request-id, makes one up otherwise, and puts it in problems', async () => {
    const given = await http()
      .get('/v1/jobs/none')
      .set('x-api-key', API_KEY)
      .set('x-request-id', 'req-123')
      .expect(404);
    expect(given.headers['x-request-id']).toBe('req-123');
    expect(given.body.requestId).toBe('req-123');
    const forged = await http().get('/health/live').set('x-request-id', 'a\tb{"x":1}').expect(200);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('POST /v1/triggers/preview', () => {
    const preview = (body: object) =>
      http().post('/v1/triggers/preview').set('x-api-key', API_KEY).send(body);

    it('gives utc, local and offset across a DST change', async () => {
      const res = await preview({
        trigger: { type: 'cron', hour: 9, timezone: 'Europe/Paris' },
        count: 3,
        now: '2026-03-28T12:00:00Z',
      }).expect(200);
      expect(res.body).toEqual({
        timezone: 'Europe/Paris',
        fireTimes: [
          { utc: '2026-03-29T07:00:00.000Z', local: '2026-03-29T09:00:00.000+02:00', offset: '+02:00' },
          { utc: '2026-03-30T07:00:00.000Z', local: '2026-03-30T09:00:00.000+02:00', offset: '+02:00' },
          { utc: '2026-03-31T07:00:00.000Z', local: '2026-03-31T09:00:00.000+02:00', offset: '+02:00' },
        ],
      });
    });

    it('defaults now to the service clock and accepts APScheduler snake_case', async () => {
      const res = await preview({
        trigger: {
          trigger: 'interval',
          params: { minutes: 15, start_date: '2026-03-27 00:00:00' },
          timezone: 'UTC',
        },
        count: 2,
      }).expect(200);
      expect(res.body.fireTimes.map((f: { utc: string }) => f.utc)).toEqual([
        '2026-03-27T00:15:00.000Z',
        '2026-03-27T00:30:00.000Z',
      ]);
      expect(new Date(res.body.fireTimes[0].utc).getTime()).toBeGreaterThan(new Date(START).getTime());
      const snake = await preview({
        trigger: { type: 'cron', day_of_week: 'sun', hour: 0 },
        count: 1,
        now: START,
      }).expect(200);
      expect(snake.body.fireTimes[0].utc).toBe('2026-03-29T00:00:00.000Z');
    });

    it('names the bad field: cron value, zone, unknown key, start after end', async () => {
      const hour = await preview({ trigger: { type: 'cron', hour: 25 } }).expect(422);
      expect(hour.body.errors[0].field).toBe('trigger.hour');
      const zone = await preview({ trigger: { type: 'cron', hour: 1, timezone: 'Mars/Olympus' } }).expect(
        422,
      );
      expect(zone.body.errors[0].field).toBe('trigger.timezone');
      const typo = await preview({ trigger: { type: 'cron', day_of_weak: 'mon' } }).expect(422);
      expect(typo.body.errors[0].field).toBe('trigger.day_of_weak');
      const order = await preview({
        trigger: {
          type: 'interval',
          hours: 1,
          startDate: '2027-01-01T00:00:00Z',
          endDate: '2026-01-01T00:00:00Z',
        },
      }).expect(422);
      expect(order.body.errors[0].field).toBe('trigger.endDate');
      const count = await preview({ trigger: { type: 'interval', hours: 1 }, count: 0 }).expect(400);
      expect(count.body.errors[0].field).toBe('count');
    });
  });

  it('publishes an OpenAPI document with every route, the problem responses and the API key scheme', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes.apiKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const route of [
      'POST /v1/jobs',
      'GET /v1/jobs',
      'GET /v1/jobs/{id}',
      'PATCH /v1/jobs/{id}',
      'DELETE /v1/jobs/{id}',
      'POST /v1/jobs/{id}/reschedule',
      'POST /v1/jobs/{id}/pause',
      'POST /v1/jobs/{id}/resume',
      'POST /v1/jobs/{id}/run',
      'GET /v1/jobs/{id}/runs',
      'POST /v1/triggers/preview',
    ])
      expect(routes).toContain(route);
    const create = doc.paths['/v1/jobs'].post;
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '413', '422', '429']),
    );
    expect(create.responses['422'].content['application/problem+json']).toBeDefined();
    const examples = Object.keys(create.requestBody.content['application/json'].examples);
    expect(examples).toEqual(
      expect.arrayContaining(['cronFields', 'crontab', 'interval', 'date', 'calendarinterval', 'and', 'or']),
    );
  });
});
