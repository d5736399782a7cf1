import request from 'supertest';

import { API_KEY, createAdminTestApp, START, type AdminTestApp } from './admin-app';

// The jobs API over HTTP against the embedded app (memory store, fake clock), with a counting handler.
describe('/v1/jobs', () => {
  let t: AdminTestApp;
  const fired: Array<{ jobId: string; scheduledAt: string }> = [];
  const http = () => request(t.app.getHttpServer());
  const cron = { type: 'cron', expr: '*/10 * * * *' };

  beforeAll(async () => {
    t = await createAdminTestApp();
    t.scheduler.registerHandler('count', (ctx) => {
      fired.push({ jobId: ctx.jobId, scheduledAt: ctx.scheduledAt.toISOString() });
    });
  });

  afterAll(async () => {
    await t?.app.close();
  });

  const create = (body: object) => http().post('/v1/jobs').set('x-api-key', API_KEY).send(body);

  it('creates a cron job from a crontab expr and returns it with its next run time', async () => {
    const res = await create({
      id: 'c1',
      name: 'ten-minutely',
      trigger: cron,
      action: { handler: 'count' },
    }).expect(201);
    expect(res.body).toMatchObject({
      id: 'c1',
      name: 'ten-minutely',
      state: 'scheduled',
      triggerType: 'cron',
      coalesce: true,
      maxInstances: 1,
      misfireGraceTime: null,
      nextRunTime: '2026-03-27T00:10:00.000Z',
    });
  });

  it('answers 409 problem+json for a taken id, and replaces with replaceExisting', async () => {
    const res = await create({ id: 'c1', trigger: cron, action: { handler: 'count' } }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'JOB_CONFLICT', errors: [{ field: 'id' }] });
    await create({
      id: 'c1',
      name: 'again',
      trigger: cron,
      action: { handler: 'count' },
      replaceExisting: true,
    }).expect(201);
    const got = await http().get('/v1/jobs/c1').set('x-api-key', API_KEY).expect(200);
    expect(got.body.name).toBe('again');
    expect(got.body.lastRuns).toEqual([]);
  });

  it('names action.handler when no handler has that name', async () => {
    const res = await create({ trigger: cron, action: { handler: 'nope' } }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'action.handler', message: expect.stringContaining('nope') }]);
  });

  it('accepts snake_case and APScheduler-style triggers', async () => {
    const a = await create({
      id: 'snake',
      trigger: { type: 'cron', day_of_week: 'mon-fri', hour: 9, start_date: '2026-03-01' },
      action: { handler: 'count' },
    }).expect(201);
    expect(a.body.trigger).toMatchObject({ dayOfWeek: 'mon-fri', hour: 9 });
    expect(a.body.nextRunTime).toBe('2026-03-27T09:00:00.000Z');
    const b = await create({
      id: 'aps',
      trigger: { trigger: 'interval', params: { minutes: 30 }, timezone: 'Europe/Paris' },
      action: { handler: 'count' },
      paused: true,
    }).expect(201);
    expect(b.body).toMatchObject({ state: 'paused', nextRunTime: null, triggerType: 'interval' });
  });

  it('lists with filters, sorted by next run time then id, paused last, with an opaque cursor', async () => {
    for (const id of ['p3', 'p1', 'p2'])
      await create({
        id,
        name: `page-${id}`,
        trigger: { type: 'interval', hours: 1 },
        action: { handler: 'count' },
      }).expect(201);
    const all = await http().get('/v1/jobs').set('x-api-key', API_KEY).expect(200);
    const ids = all.body.items.map((j: { id: string }) => j.id);
    expect(ids[ids.length - 1]).toBe('aps');
    expect(ids.indexOf('c1')).toBeLessThan(ids.indexOf('p1'));

    const page1 = await http().get('/v1/jobs?namePrefix=page-&limit=2').set('x-api-key', API_KEY).expect(200);
    expect(page1.body.items.map((j: { id: string }) => j.id)).toEqual(['p1', 'p2']);
    const page2 = await http()
      .get(`/v1/jobs?namePrefix=page-&limit=2&cursor=${page1.body.nextCursor}`)
      .set('x-api-key', API_KEY)
      .expect(200);
    expect(page2.body).toMatchObject({ items: [{ id: 'p3' }], nextCursor: null });

    const paused = await http().get('/v1/jobs?state=paused').set('x-api-key', API_KEY).expect(200);
    expect(paused.body.items.map((j: { id: string }) => j.id)).toEqual(['aps']);
    const crons = await http().get('/v1/jobs?triggerType=cron').set('x-api-key', API_KEY).expect(200);
    expect(crons.body.items.map((j: { id: string }) => j.id).sort()).toEqual(['c1', 'snake']);
  });

  it('refuses a forged cursor and an oversized limit with 400', async () => {
    const bad = await http().get('/v1/jobs?cursor=bm90LWpzb24').set('x-api-key', API_KEY).expect(400);
    expect(bad.body.errors[0].field).toBe('cursor');
    const big = await http().get('/v1/jobs?limit=501').set('x-api-key', API_KEY).expect(400);
    expect(big.body.errors[0].field).toBe('limit');
  });

  it('pauses, resumes, reschedules, patches and deletes with the engine semantics', async () => {
    const key = { 'x-api-key': API_KEY };
    const paused = await http().post('/v1/jobs/p1/pause').set(key).expect(200);
    expect(paused.body).toMatchObject({ paused: true, nextRunTime: null });
    const resumed = await http().post('/v1/jobs/p1/resume').set(key).expect(200);
    expect(resumed.body).toMatchObject({ paused: false, nextRunTime: '2026-03-27T01:00:30.000Z' });
    const moved = await http()
      .post('/v1/jobs/p1/reschedule')
      .set(key)
      .send({ trigger: { type: 'cron', hour: 6, timezone: 'Europe/Paris' } })
      .expect(200);
    expect(moved.body).toMatchObject({ triggerType: 'cron', nextRunTime: '2026-03-27T05:00:00.000Z' });
    const patched = await http()
      .patch('/v1/jobs/p1')
      .set(key)
      .send({ name: 'renamed', misfireGraceTime: 60, coalesce: false })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'renamed', misfireGraceTime: 60, coalesce: false });
    await http().delete('/v1/jobs/p1').set(key).expect(204);
    const gone = await http().get('/v1/jobs/p1').set(key).expect(404);
    expect(gone.body).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    await http().delete('/v1/jobs/p1').set(key).expect(404);
  });

  it('runs a job now once and records it in the run history', async () => {
    const key = { 'x-api-key': API_KEY };
    await create({
      id: 'now',
      trigger: { type: 'interval', days: 1 },
      action: { handler: 'count' },
      paused: true,
    }).expect(201);
    const res = await http().post('/v1/jobs/now/run').set(key).expect(202);
    expect(res.body).toMatchObject({
      jobId: 'now',
      outcome: 'submitted',
      scheduledAt: START,
    });
    await t.clock.settle();
    for (let i = 0; i < 50 && fired.filter((f) => f.jobId === 'now').length === 0; i++)
      await t.clock.settle();
    let runs = await http().get('/v1/jobs/now/runs').set(key).expect(200);
    for (let i = 0; i < 50 && runs.body.items.length === 0; i++) {
      await t.clock.settle();
      runs = await http().get('/v1/jobs/now/runs').set(key).expect(200);
    }
    expect(fired.filter((f) => f.jobId === 'now')).toHaveLength(1);
    expect(runs.body.items).toEqual([expect.objectContaining({ outcome: 'success', scheduledAt: START })]);
    await http().get('/v1/jobs/missing/runs').set(key).expect(404);
  });
  it('removes a job on resume when its trigger has no more fire times (last: moves the clock)', async () => {
    const key = { 'x-api-key': API_KEY };
    // Minutes, not hours: the scheduler loop wakes every fake second, so each fake hour costs
    // 3,600 wake-ups (3 h took 5 s idle and over 20 s on the loaded machine; 6 min takes well under 1 s).
    await create({
      id: 'ending',
      trigger: { type: 'interval', minutes: 1, endDate: '2026-03-27T00:05:00Z' },
      action: { handler: 'count' },
      paused: true,
    }).expect(201);
    await t.clock.setAsync('2026-03-27T00:06:00Z');
    const res = await http().post('/v1/jobs/ending/resume').set(key).expect(200);
    expect(res.body).toEqual({ id: 'ending', removed: true });
    await http().get('/v1/jobs/ending').set(key).expect(404);
  });
});
