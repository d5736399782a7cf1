import { at, createHarness, iso } from './harness';

describe('Scheduler job management', () => {
  const setup = () => {
    const h = createHarness();
    h.scheduler.registerHandler('noop', () => {});
    return h;
  };
  // No start date: the first fire is one interval after now (APScheduler).
  const every = (seconds: number) => ({ type: 'interval' as const, seconds });

  it('adds a job with a generated id, defaults, and the first run time from the trigger', async () => {
    const { scheduler, store, eventsOf } = setup();
    const job = await scheduler.addJob({ trigger: every(60), action: { handler: 'noop', args: { a: 1 } } });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(job).toMatchObject({ misfireGraceTime: null, coalesce: true, maxInstances: 1, paused: false });
    expect(iso(job.nextRunTime)).toBe(iso(at(60)));
    expect((await store.getJob(job.id))?.action).toEqual({ handler: 'noop', args: { a: 1 } });
    expect(eventsOf('job.added')).toEqual([{ jobId: job.id, job, replaced: false }]);
  });

  it('takes a given first run time, and adds a paused job with none', async () => {
    const { scheduler } = setup();
    const given = await scheduler.addJob({
      id: 'g',
      trigger: every(60),
      action: { handler: 'noop' },
      nextRunTime: at(5),
    });
    expect(iso(given.nextRunTime)).toBe(iso(at(5)));
    const paused = await scheduler.addJob({
      id: 'p',
      trigger: every(60),
      action: { handler: 'noop' },
      paused: true,
    });
    expect(paused).toMatchObject({ paused: true, nextRunTime: null });
    const nulled = await scheduler.addJob({
      id: 'n',
      trigger: every(60),
      action: { handler: 'noop' },
      nextRunTime: null,
    });
    expect(nulled).toMatchObject({ paused: true, nextRunTime: null });
  });

  it.each([
    [{ misfireGraceTime: 0 }, 'misfireGraceTime'],
    [{ misfireGraceTime: -1 }, 'misfireGraceTime'],
    [{ maxInstances: 0 }, 'maxInstances'],
    [{ maxInstances: 1.5 }, 'maxInstances'],
    [{ coalesce: 'yes' as unknown as boolean }, 'coalesce'],
    [{ id: '' }, 'id'],
    [{ id: 'x'.repeat(192) }, 'id'],
    [{ id: 'padx ' }, 'id'],
    [{ id: ' padx' }, 'id'],
    [{ id: 'pad\u0000x' }, 'id'],
    [{ id: 'pad\ud800x' }, 'id'],
    [{ trigger: { type: 'interval' as const, seconds: 0 } }, 'trigger.seconds'],
    [{ trigger: { type: 'nope' } as never }, 'trigger.type'],
    [{ action: { handler: '' } }, 'action.handler'],
  ])('rejects %j with a ValidationError naming %s', async (override, field) => {
    const { scheduler, store } = setup();
    const input = { trigger: every(60), action: { handler: 'noop' }, ...override };
    await expect(scheduler.addJob(input)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(await store.getJobs()).toEqual([]);
  });

  it('accepts a null misfire grace time and rejects a trigger that never fires', async () => {
    const { scheduler } = setup();
    await expect(
      scheduler.addJob({ trigger: every(60), action: { handler: 'noop' }, misfireGraceTime: null }),
    ).resolves.toBeDefined();
    const past = {
      type: 'interval' as const,
      seconds: 1,
      endDate: at(-10).toISOString(),
      startDate: at(-20).toISOString(),
    };
    await expect(scheduler.addJob({ trigger: past, action: { handler: 'noop' } })).rejects.toMatchObject({
      field: 'trigger',
    });
  });

  it('rejects an action handler nobody registered', async () => {
    const { scheduler } = setup();
    await expect(scheduler.addJob({ trigger: every(1), action: { handler: 'ghost' } })).rejects.toMatchObject(
      {
        code: 'UNKNOWN_HANDLER',
      },
    );
  });

  it('conflicts on a taken id unless replaceExisting', async () => {
    const { scheduler, eventsOf } = setup();
    await scheduler.addJob({ id: 'a', trigger: every(60), action: { handler: 'noop' } });
    await expect(
      scheduler.addJob({ id: 'a', trigger: every(60), action: { handler: 'noop' } }),
    ).rejects.toMatchObject({
      code: 'JOB_CONFLICT',
    });
    await scheduler.addJob({
      id: 'a',
      name: 'second',
      trigger: every(30),
      action: { handler: 'noop' },
      replaceExisting: true,
    });
    expect((await scheduler.getJob('a'))?.name).toBe('second');
    expect(eventsOf('job.added').map((e) => e.replaced)).toEqual([false, true]);
  });

  it('adds in bulk: all validated first, duplicates reported, replaceExisting honoured', async () => {
    const { scheduler } = setup();
    await scheduler.addJob({ id: 'b', trigger: every(60), action: { handler: 'noop' } });
    await scheduler.addJob({ id: 'c', trigger: every(60), action: { handler: 'noop' } });
    await expect(
      scheduler.addJobs([
        { id: 'x', trigger: every(60), action: { handler: 'noop' } },
        { id: 'y', trigger: every(60), action: { handler: 'noop' }, maxInstances: 0 },
      ]),
    ).rejects.toMatchObject({ field: '[1].maxInstances' });
    expect(await scheduler.getJob('x')).toBeNull();
    const result = await scheduler.addJobs([
      { id: 'a', trigger: every(60), action: { handler: 'noop' } },
      { id: 'b', trigger: every(60), action: { handler: 'noop' } },
      { id: 'c', name: 'new c', trigger: every(60), action: { handler: 'noop' }, replaceExisting: true },
      { id: 'a', trigger: every(60), action: { handler: 'noop' } },
    ]);
    expect(result).toEqual({ added: ['a'], replaced: ['c'], duplicates: ['b', 'a'] });
    expect((await scheduler.getJob('c'))?.name).toBe('new c');
  });

  it('modifies options, reschedules, pauses, resumes (on the grid) and removes', async () => {
    const { scheduler, clock, eventsOf } = setup();
    await scheduler.addJob({ id: 'm', trigger: every(60), action: { handler: 'noop' } });
    const modified = await scheduler.modifyJob('m', { name: 'renamed', maxInstances: 3, nextRunTime: at(7) });
    expect(modified).toMatchObject({ name: 'renamed', maxInstances: 3 });
    expect(iso(modified.nextRunTime)).toBe(iso(at(7)));
    await expect(scheduler.modifyJob('m', { misfireGraceTime: 0 })).rejects.toMatchObject({
      field: 'misfireGraceTime',
    });
    await expect(scheduler.modifyJob('ghost', { name: 'x' })).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
    });

    const rescheduled = await scheduler.rescheduleJob('m', every(15));
    expect(iso(rescheduled.nextRunTime)).toBe(iso(at(15)));
    await expect(scheduler.rescheduleJob('m', { type: 'interval' })).rejects.toMatchObject({
      field: 'trigger.seconds',
    });

    expect(await scheduler.pauseJob('m')).toMatchObject({ paused: true, nextRunTime: null });
    await clock.advanceAsync(100_000);
    const resumed = await scheduler.resumeJob('m');
    expect(resumed?.paused).toBe(false);
    // Anchored at the reschedule (first fire at 15): the grid point after the resume at 100.
    expect(iso(resumed?.nextRunTime ?? null)).toBe(iso(at(105)));

    await scheduler.removeJob('m');
    expect(await scheduler.getJob('m')).toBeNull();
    await expect(scheduler.removeJob('m')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect(eventsOf('job.modified')).toHaveLength(4);
    expect(eventsOf('job.removed')).toEqual([{ jobId: 'm' }]);
  });

  it('removes a job resumed after its trigger is exhausted', async () => {
    const { scheduler, clock } = setup();
    const ending = { type: 'interval' as const, seconds: 10, endDate: at(30).toISOString() };
    await scheduler.addJob({ id: 'once', trigger: ending, action: { handler: 'noop' } });
    await scheduler.pauseJob('once');
    await clock.advanceAsync(40_000);
    expect(await scheduler.resumeJob('once')).toBeNull();
    expect(await scheduler.getJob('once')).toBeNull();
  });

  it('lists jobs by next run time', async () => {
    const { scheduler } = setup();
    await scheduler.addJob({ id: 'late', trigger: every(60), action: { handler: 'noop' } });
    await scheduler.addJob({ id: 'soon', trigger: every(5), action: { handler: 'noop' } });
    await scheduler.addJob({ id: 'off', trigger: every(1), action: { handler: 'noop' }, paused: true });
    expect((await scheduler.getJobs()).map((j) => j.id)).toEqual(['soon', 'late', 'off']);
  });

  it('refuses a second handler under one name, and runJobNow before start', async () => {
    const { scheduler } = setup();
    expect(() => scheduler.registerHandler('noop', () => {})).toThrow(
      expect.objectContaining({ field: 'handler' }),
    );
    await expect(scheduler.runJobNow('x')).rejects.toMatchObject({ code: 'SCHEDULER_NOT_RUNNING' });
    await expect(scheduler.shutdown()).rejects.toMatchObject({ code: 'SCHEDULER_NOT_RUNNING' });
  });
});
