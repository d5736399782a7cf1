import request from 'supertest';

import { API_KEY, createAdminTestApp, START, type AdminTestApp } from './admin-app';

// /v1/scheduler on the embedded app (memory store and state, fake clock): pause stops firing,
// resume runs the backlog once (coalesce), both need the API key.
describe('/v1/scheduler pause and resume', () => {
  let t: AdminTestApp;
  const fired: string[] = [];
  const key = { 'x-api-key': API_KEY };
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createAdminTestApp();
    t.scheduler.registerHandler('count', (ctx) => {
      fired.push(ctx.scheduledAt.toISOString());
    });
  });

  afterAll(async () => {
    await t?.app.close();
  });

  it('pauses everywhere, keeps the job scheduled, and resumes with one coalesced run', async () => {
    const start = Date.parse(START);
    await http()
      .post('/v1/jobs')
      .set(key)
      .send({ id: 'tick', trigger: { type: 'interval', seconds: 10 }, action: { handler: 'count' } })
      .expect(201);
    expect((await http().get('/v1/scheduler').set(key).expect(200)).body).toEqual({
      paused: false,
      running: true,
      replica: t.scheduler.owner,
    });
    const paused = await http().post('/v1/scheduler/pause').set(key).expect(200);
    expect(paused.body).toMatchObject({ paused: true, running: true });
    await t.clock.advanceAsync(45_000);
    expect(fired).toEqual([]);
    expect((await http().get('/v1/jobs/tick').set(key).expect(200)).body).toMatchObject({
      state: 'scheduled',
      nextRunTime: new Date(start + 10_000).toISOString(),
    });
    expect((await http().get('/v1/scheduler').set(key).expect(200)).body.paused).toBe(true);
    expect((await http().post('/v1/scheduler/resume').set(key).expect(200)).body.paused).toBe(false);
    await t.clock.advanceAsync(1_000);
    expect(fired).toEqual([new Date(start + 40_000).toISOString()]);
  }, 30_000);

  it.each([
    ['get', '/v1/scheduler'],
    ['post', '/v1/scheduler/pause'],
    ['post', '/v1/scheduler/resume'],
  ] as const)('%s %s needs the API key', async (method, path) => {
    await http()[method](path).expect(401);
    await http()[method](path).set('x-api-key', 'wrong-key-0123456789').expect(403);
  });

  it('documents the routes with their real statuses', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [path, method] of [
      ['/v1/scheduler', 'get'],
      ['/v1/scheduler/pause', 'post'],
      ['/v1/scheduler/resume', 'post'],
    ] as const) {
      const statuses = Object.keys(doc.paths[path][method].responses);
      expect(statuses).toEqual(expect.arrayContaining(['200', '401', '403']));
      expect(statuses).not.toContain('201');
    }
  });
});
