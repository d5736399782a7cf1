import request from 'supertest';

import { API_KEY, createAdminTestApp, START, type AdminTestApp } from './admin-app';

// GET /v1/jobs pages (filters + cursor over several pages) and GET /v1/jobs/:id/runs for a job
// that no longer exists, on the embedded app (memory store, fake clock).
describe('/v1/jobs list and run history', () => {
  let t: AdminTestApp;
  const key = { 'x-api-key': API_KEY };
  const http = () => request(t.app.getHttpServer());
  const ids = (body: { items: Array<{ id: string }> }): string[] => body.items.map((j) => j.id);

  beforeAll(async () => {
    t = await createAdminTestApp();
    t.scheduler.registerHandler('noop', () => undefined);
    const jobs: Array<[id: string, name: string, trigger: object, paused?: boolean]> = [
      ['d3', 'order 3', { type: 'date', runDate: '2026-03-27T03:00:00Z' }],
      ['d1', 'order 1', { type: 'date', runDate: '2026-03-27T01:00:00Z' }],
      ['d2b', 'order 2b', { type: 'date', runDate: '2026-03-27T02:00:00Z' }],
      ['d2a', 'order 2a', { type: 'date', runDate: '2026-03-27T02:00:00Z' }],
      ['dp', 'order paused', { type: 'date', runDate: '2026-03-28T00:00:00Z' }, true],
      ['c1', 'report 1', { type: 'cron', expr: '30 1 * * *' }],
      ['cp', 'report paused', { type: 'cron', expr: '0 * * * *' }, true],
      ['i1', 'order-like report', { type: 'interval', hours: 2 }],
    ];
    for (const [id, name, trigger, paused] of jobs)
      await http()
        .post('/v1/jobs')
        .set(key)
        .send({ id, name, trigger, action: { handler: 'noop' }, paused })
        .expect(201);
  });

  afterAll(async () => {
    await t?.app.close();
  });

  /** Every page of a list query, following nextCursor. */
  async function pages(query: string): Promise<string[][]> {
    const out: string[][] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/jobs?${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await http().get(url).set(key).expect(200);
      out.push(ids(res.body));
      cursor = res.body.nextCursor;
      expect(out.length).toBeLessThan(20);
    } while (cursor !== null);
    return out;
  }

  it('pages through every job in order, paused last, the cursor opaque', async () => {
    expect(await pages('limit=3')).toEqual([
      ['d1', 'c1', 'd2a'], // c1 at 01:30, d2a/d2b tie at 02:00 (by id)
      ['d2b', 'i1', 'd3'], // i1 at 02:00:30 (two hours after the start)
      ['cp', 'dp'],
    ]);
    const first = await http().get('/v1/jobs?limit=3').set(key).expect(200);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Object.keys(first.body).sort()).toEqual(['items', 'nextCursor']);
  });

  it('keeps the filters across pages: state, trigger type, name prefix, together', async () => {
    expect(await pages('triggerType=date&limit=2')).toEqual([['d1', 'd2a'], ['d2b', 'd3'], ['dp']]);
    expect(await pages('triggerType=date&state=scheduled&limit=2')).toEqual([
      ['d1', 'd2a'],
      ['d2b', 'd3'],
    ]);
    expect(await pages('state=paused&limit=1')).toEqual([['cp'], ['dp']]);
    expect(await pages('namePrefix=order%20&limit=2')).toEqual([['d1', 'd2a'], ['d2b', 'd3'], ['dp']]);
    expect(await pages('namePrefix=report&state=paused&triggerType=cron&limit=5')).toEqual([['cp']]);
    expect(await pages('triggerType=calendarinterval')).toEqual([[]]);
  });

  it('a page exactly as long as what is left has no next cursor', async () => {
    const res = await http().get('/v1/jobs?state=paused&limit=2').set(key).expect(200);
    expect(res.body).toMatchObject({ items: [{ id: 'cp' }, { id: 'dp' }], nextCursor: null });
  });

  it('refuses a cursor whose time is out of range instead of failing later', async () => {
    const forged = Buffer.from(JSON.stringify({ t: 1e20, id: 'x' })).toString('base64url');
    const res = await http().get(`/v1/jobs?cursor=${forged}`).set(key).expect(400);
    expect(res.body.errors[0].field).toBe('cursor');
  });

  it("serves a finished one-shot job's history after the job is gone; 404 only with neither", async () => {
    expect(START).toBe('2026-03-27T00:00:30.000Z');
    await t.clock.setAsync('2026-03-27T01:00:00Z');
    let runs = await http().get('/v1/jobs/d1/runs').set(key);
    for (let i = 0; i < 50 && runs.status !== 200; i++) {
      await t.clock.settle();
      runs = await http().get('/v1/jobs/d1/runs').set(key);
    }
    expect(runs.status).toBe(200);
    await http().get('/v1/jobs/d1').set(key).expect(404);
    expect(runs.body.items).toEqual([
      expect.objectContaining({ scheduledAt: '2026-03-27T01:00:00.000Z', outcome: 'success' }),
    ]);
    // A job that never ran: empty history, still 200 while it exists.
    expect((await http().get('/v1/jobs/d3/runs').set(key).expect(200)).body).toEqual({ items: [] });
    const missing = await http().get('/v1/jobs/never-existed/runs').set(key).expect(404);
    expect(missing.body).toMatchObject({ code: 'JOB_NOT_FOUND' });
  }, 30_000); // moves the fake clock an hour through the loop's polls: slow on a loaded machine
});
