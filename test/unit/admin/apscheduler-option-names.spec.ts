import request from 'supertest';

import { createHarness } from '../scheduler/harness';
import { API_KEY, createAdminTestApp, type AdminTestApp } from './admin-app';

// APScheduler's job option names (misfire_grace_time, max_instances, coalesce, replace_existing,
// next_run_time) wherever ours are taken: the engine (library, and what a jobs file or decorators
// pass it) and the REST create/patch bodies.
const trigger = { type: 'interval' as const, minutes: 5 };
const action = { handler: 'h' };

describe('APScheduler option names: engine', () => {
  test('addJob takes every option by its APScheduler name', async () => {
    const { scheduler, clock } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    const next = new Date(clock.now().getTime() + 90_000);
    const job = await scheduler.addJob({
      id: 'j',
      trigger,
      action,
      misfire_grace_time: 30,
      max_instances: 3,
      coalesce: false,
      next_run_time: next,
    });
    expect(job).toMatchObject({ misfireGraceTime: 30, maxInstances: 3, coalesce: false, nextRunTime: next });
    const replaced = await scheduler.addJob({
      id: 'j',
      trigger,
      action,
      replace_existing: true,
      max_instances: 2,
    });
    expect(replaced.maxInstances).toBe(2);
    await expect(scheduler.addJob({ id: 'j', trigger, action })).rejects.toMatchObject({
      code: 'JOB_CONFLICT',
    });
  });

  test('next_run_time: null adds the job paused, as in APScheduler', async () => {
    const { scheduler } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    expect(await scheduler.addJob({ id: 'p', trigger, action, next_run_time: null })).toMatchObject({
      paused: true,
      nextRunTime: null,
    });
  });

  test('addJobs and modifyJob take them too; values are validated under the name given', async () => {
    const { scheduler } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    const result = await scheduler.addJobs([
      { id: 'a', trigger, action, max_instances: 4 },
      { id: 'a', trigger, action, replace_existing: true, misfire_grace_time: 9 },
    ]);
    expect(result.replaced).toEqual(['a']);
    expect(await scheduler.getJob('a')).toMatchObject({ misfireGraceTime: 9 });
    expect(await scheduler.modifyJob('a', { misfire_grace_time: null, max_instances: 7 })).toMatchObject({
      misfireGraceTime: null,
      maxInstances: 7,
    });
    await expect(scheduler.modifyJob('a', { max_instances: 0 })).rejects.toMatchObject({
      field: 'max_instances',
    });
    await expect(scheduler.modifyJob('a', { maxInstances: 0 })).rejects.toMatchObject({
      field: 'maxInstances',
    });
    await expect(
      scheduler.addJobs([
        { trigger, action },
        { trigger, action, misfire_grace_time: -1 },
      ]),
    ).rejects.toMatchObject({ field: '[1].misfire_grace_time' });
  });

  test('a unit of work (what the reconciler uses) takes them too', async () => {
    const { scheduler } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    await scheduler.transaction((tx) => tx.addJob({ id: 't', trigger, action, max_instances: 2 }));
    const replaced = await scheduler.transaction((tx) =>
      tx.addJobs([{ id: 't', trigger, action, replace_existing: true, misfire_grace_time: 5 }]),
    );
    expect(replaced.replaced.map((j) => j.id)).toEqual(['t']);
    expect(await scheduler.getJob('t')).toMatchObject({ misfireGraceTime: 5, maxInstances: 1 });
    await expect(
      scheduler.transaction((tx) => tx.addJobs([{ trigger, action, max_instances: 0 }])),
    ).rejects.toMatchObject({ field: '[0].max_instances' });
  });

  test('next_run_time is bounded to what a store holds', async () => {
    const { scheduler } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    for (const bad of [new Date(-1), new Date(Date.parse('9999-12-31T23:59:59.999Z') + 1), new Date(NaN)])
      await expect(scheduler.addJob({ trigger, action, next_run_time: bad })).rejects.toMatchObject({
        field: 'next_run_time',
      });
  });

  test('both spellings of one option with different values are refused, naming the snake_case key (bulk: with its index); equal values are taken', async () => {
    const { scheduler } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    await expect(
      scheduler.addJob({ trigger, action, maxInstances: 1, max_instances: 2 }),
    ).rejects.toMatchObject({ field: 'max_instances', reason: expect.stringContaining('twice') });
    await expect(
      scheduler.addJobs([
        { trigger, action },
        { trigger, action, misfireGraceTime: 1, misfire_grace_time: 2 },
      ]),
    ).rejects.toMatchObject({ field: '[1].misfire_grace_time' });
    const when = new Date('2031-01-01T00:00:00Z');
    const job = await scheduler.addJob({
      trigger,
      action,
      maxInstances: 2,
      max_instances: 2,
      nextRunTime: when,
      next_run_time: new Date(when.getTime()),
    });
    expect(job).toMatchObject({ maxInstances: 2, nextRunTime: when });
  });
});

describe('APScheduler option names: REST', () => {
  let t: AdminTestApp;
  const key = { 'x-api-key': API_KEY };
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createAdminTestApp();
    t.scheduler.registerHandler('h', () => undefined);
  });

  afterAll(async () => {
    await t?.app.close();
  });

  it('POST /v1/jobs and PATCH /v1/jobs/:id take misfire_grace_time, max_instances, replace_existing', async () => {
    const created = await http()
      .post('/v1/jobs')
      .set(key)
      .send({ id: 'r', trigger, action, misfire_grace_time: 60, max_instances: 2, coalesce: false })
      .expect(201);
    expect(created.body).toMatchObject({ misfireGraceTime: 60, maxInstances: 2, coalesce: false });
    await http()
      .post('/v1/jobs')
      .set(key)
      .send({ id: 'r', trigger, action, replace_existing: true, max_instances: 5 })
      .expect(201);
    const patched = await http()
      .patch('/v1/jobs/r')
      .set(key)
      .send({ misfire_grace_time: null, max_instances: 3 })
      .expect(200);
    expect(patched.body).toMatchObject({ misfireGraceTime: null, maxInstances: 3 });
  });

  it('POST and PATCH take next_run_time (and nextRunTime): a first run time, null pauses', async () => {
    const created = await http()
      .post('/v1/jobs')
      .set(key)
      .send({ id: 'n', trigger, action, next_run_time: '2030-01-01T09:00:00+02:00' })
      .expect(201);
    expect(created.body).toMatchObject({ nextRunTime: '2030-01-01T07:00:00.000Z', state: 'scheduled' });
    const paused = await http().patch('/v1/jobs/n').set(key).send({ next_run_time: null }).expect(200);
    expect(paused.body).toMatchObject({ nextRunTime: null, state: 'paused' });
    const resumed = await http()
      .patch('/v1/jobs/n')
      .set(key)
      .send({ nextRunTime: '2030-02-01T00:00:00Z' })
      .expect(200);
    expect(resumed.body).toMatchObject({ nextRunTime: '2030-02-01T00:00:00.000Z', state: 'scheduled' });
    const addedPaused = await http()
      .post('/v1/jobs')
      .set(key)
      .send({ id: 'np', trigger, action, nextRunTime: null })
      .expect(201);
    expect(addedPaused.body).toMatchObject({ nextRunTime: null, state: 'paused' });
  });

  it.each([
    [{ next_run_time: '2030-01-01' }, 'next_run_time'],
    [{ next_run_time: '0001-01-01T00:00:00Z' }, 'next_run_time'],
    [{ nextRunTime: '2030-02-30T00:00:00Z' }, 'nextRunTime'],
    [{ nextRunTime: '2030-01-01T00:00:00Z', next_run_time: '2030-01-01T00:00:01Z' }, 'next_run_time'],
    [{ max_instances: 0 }, 'max_instances'],
    [{ misfire_grace_time: -1 }, 'misfire_grace_time'],
    [{ replace_existing: 'yes' }, 'replace_existing'],
    [{ maxInstances: 1, max_instances: 2 }, 'max_instances'],
  ])('refuses %j with 4xx naming %s', async (options, field) => {
    const res = await http()
      .post('/v1/jobs')
      .set(key)
      .send({ trigger, action, ...options });
    expect([400, 422]).toContain(res.status);
    expect(JSON.stringify(res.body)).toContain(field);
  });
});
