// Ids in the path obey the same id rule as bodies and Kafka messages, on every route with an
// `:id` parameter (found from the router, so a new one is covered without being listed). Shared
// by the embedded (unit) and MySQL (integration) runs so both modes answer identically.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

import { listenLocally, registeredRoutes, type RegisteredRoute } from './route-access';

/** Bodies valid for the routes that take one, so a 400 can only come from the path id. */
const VALID_BODIES: Record<string, object> = {
  'PATCH /v1/jobs/:id': { name: 'renamed' },
  'POST /v1/jobs/:id/reschedule': { trigger: { type: 'interval', hours: 1 } },
};

/** Each spelling decodes (or fails to decode) to an id the rule refuses. */
const BAD_IDS: Array<[string, string]> = [
  ['two trailing spaces', 'padx%20%20'],
  ['a trailing space', 'padx%20'],
  ['a leading space', '%20padx'],
  ['a trailing tab', 'padx%09'],
  ['a trailing no-break space', 'padx%C2%A0'],
  ['a C0 control character', 'pa%01dx'],
  ['DEL', 'pa%7Fdx'],
  ['a C1 control character', 'pa%C2%85dx'],
  // A lone surrogate has no UTF-8 form: its CESU bytes are invalid UTF-8, which Express refuses
  // to decode; the id must still be a 400 naming id, never a 404 or a 500.
  ['a lone high surrogate (CESU-8 bytes)', 'pa%ED%A0%80dx'],
  ['a lone low surrogate (CESU-8 bytes)', 'pa%ED%B0%80dx'],
  ['192 characters', 'p'.repeat(192)],
];

export function pathIdSuite(
  boot: (env: Record<string, string>) => Promise<INestApplication>,
  apiKey: string,
): void {
  let app: INestApplication;
  let base: string;
  let idRoutes: RegisteredRoute[];
  const key = { 'x-api-key': apiKey };

  beforeAll(async () => {
    app = await boot({ ADMIN_RATE_LIMIT_PER_MINUTE: '1000000' });
    base = await listenLocally(app);
    idRoutes = registeredRoutes(app).filter((r) => r.pattern.includes('/:id'));
  });

  afterAll(async () => {
    await app?.close();
  });

  const send = (route: RegisteredRoute, id: string) => {
    const path = route.pattern.replace(':id', id);
    const req = request(base)
      [route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path)
      .set(key);
    const body = VALID_BODIES[`${route.method} ${route.pattern}`];
    return body ? req.send(body) : req;
  };

  const createPadx = () =>
    request(base)
      .post('/v1/jobs')
      .set(key)
      .send({
        id: 'padx',
        trigger: { type: 'interval', hours: 1 },
        action: { handler: 'publish', args: { topic: 't', value: { n: 1 } } },
      })
      .expect(201);

  it('finds every route with an :id parameter from the router', () => {
    expect(idRoutes.map((r) => `${r.method} ${r.pattern}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/jobs/:id',
        'PATCH /v1/jobs/:id',
        'DELETE /v1/jobs/:id',
        'POST /v1/jobs/:id/reschedule',
        'POST /v1/jobs/:id/pause',
        'POST /v1/jobs/:id/resume',
        'POST /v1/jobs/:id/run',
        'GET /v1/jobs/:id/runs',
      ]),
    );
  });

  it.each(BAD_IDS)('refuses an id with %s on every :id route: 400 naming id', async (_label, id) => {
    const answers: Array<{ route: string; status: number; fields: string[] }> = [];
    for (const route of idRoutes) {
      const res = await send(route, id);
      const errors = (res.body as { errors?: Array<{ field: string }> }).errors ?? [];
      answers.push({
        route: `${route.method} ${route.pattern}`,
        status: res.status,
        fields: errors.map((e) => e.field),
      });
    }
    expect(answers).toEqual(
      idRoutes.map((r) => ({ route: `${r.method} ${r.pattern}`, status: 400, fields: ['id'] })),
    );
  });

  it('DELETE /v1/jobs/padx%20%20 is a 400 and the job padx still exists', async () => {
    await createPadx();
    await request(base).delete('/v1/jobs/padx%20%20').set(key).expect(400);
    await request(base).delete('/v1/jobs/%20padx').set(key).expect(400);
    const res = await request(base).get('/v1/jobs/padx').set(key).expect(200);
    expect((res.body as { id: string }).id).toBe('padx');
    await request(base).delete('/v1/jobs/padx').set(key).expect(204);
    await request(base).get('/v1/jobs/padx').set(key).expect(404);
  });

  it('an id the rule accepts still reaches the handler (404 for an unknown job)', async () => {
    await request(base).get('/v1/jobs/pad%20x').set(key).expect(404);
    await request(base)
      .get(`/v1/jobs/${'p'.repeat(191)}`)
      .set(key)
      .expect(404);
    await request(base).get('/v1/jobs/%F0%9F%98%80').set(key).expect(404);
  });
}
