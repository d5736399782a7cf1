import { eventIdFor } from '../../../src/scheduler/outbox';
import type { RunContext } from '../../../src/scheduler/handlers';
import { at, createHarness, iso } from './harness';

const isoList = (dates: (Date | null)[]) => dates.map(iso);

describe('Scheduler runs (fake clock, memory store)', () => {
  const started = async (options: Parameters<typeof createHarness>[0] = {}) => {
    const h = createHarness(options);
    const contexts: RunContext[] = [];
    h.scheduler.registerHandler('record', (ctx) => {
      contexts.push(ctx);
    });
    await h.scheduler.start();
    return { ...h, contexts };
  };

  it('fires a one-shot job on time, once, and the store drops it', async () => {
    const { scheduler, clock, history, contexts, eventsOf } = await started();
    await scheduler.addJob({
      id: 'once',
      trigger: { type: 'date', runDate: at(10).toISOString() },
      action: { handler: 'record', args: { x: 1 } },
    });
    await clock.advanceAsync(9_999);
    expect(contexts).toHaveLength(0);
    await clock.advanceAsync(1);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ jobId: 'once', args: { x: 1 } });
    expect(iso(contexts[0].scheduledAt)).toBe(iso(at(10)));
    expect(iso(contexts[0].firedAt)).toBe(iso(at(10)));
    await clock.advanceAsync(60_000);
    expect(contexts).toHaveLength(1);
    expect(await scheduler.getJob('once')).toBeNull();
    expect((await history('once')).map((r) => [iso(r.scheduledAt), r.outcome, r.owner])).toEqual([
      [iso(at(10)), 'success', 'test-replica'],
    ]);
    expect(eventsOf('job.submitted')).toEqual([{ jobId: 'once', scheduledRunTimes: [at(10)] }]);
    expect(eventsOf('job.executed')).toHaveLength(1);
  });

  it('fires an interval job at each interval and keeps its next run time', async () => {
    const { scheduler, clock, contexts } = await started();
    await scheduler.addJob({
      id: 'iv',
      trigger: { type: 'interval', seconds: 10 },
      action: { handler: 'record' },
    });
    await clock.advanceAsync(35_000);
    expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(10), at(20), at(30)]));
    expect(isoList(contexts.map((c) => c.firedAt))).toEqual(isoList([at(10), at(20), at(30)]));
    expect(iso((await scheduler.getJob('iv'))?.nextRunTime ?? null)).toBe(iso(at(40)));
  });

  it('fires cron jobs (APScheduler fields and crontab) at their fire times', async () => {
    const { scheduler, clock, contexts } = await started();
    await scheduler.addJob({
      id: 'fields',
      trigger: { type: 'cron', second: '*/15', timezone: 'UTC' },
      action: { handler: 'record' },
    });
    await scheduler.addJob({
      id: 'tab',
      trigger: { type: 'cron', expr: '*/2 * * * *', timezone: 'UTC' },
      action: { handler: 'record' },
    });
    await clock.advanceAsync(5 * 60_000);
    const fires = (id: string) => isoList(contexts.filter((c) => c.jobId === id).map((c) => c.scheduledAt));
    expect(fires('fields').slice(0, 4)).toEqual(isoList([at(0), at(15), at(30), at(45)]));
    expect(fires('fields')).toHaveLength(21);
    expect(fires('tab')).toEqual(isoList([at(0), at(120), at(240)]).filter((t) => fires('tab').includes(t)));
    expect(fires('tab').slice(-2)).toEqual(isoList([at(120), at(240)]));
  });

  describe('late runs', () => {
    const lateJob = (coalesce: boolean) => ({
      id: 'late',
      trigger: { type: 'interval' as const, seconds: 10 },
      action: { handler: 'record' },
      misfireGraceTime: 15,
      coalesce,
      nextRunTime: at(-30),
    });

    it('misses runs later than the grace time and runs the rest once with coalesce', async () => {
      const { scheduler, clock, contexts, eventsOf, history } = await started();
      await scheduler.addJob(lateJob(true));
      await clock.settle();
      expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(0)]));
      expect(eventsOf('job.missed')).toEqual([
        { jobId: 'late', scheduledAt: at(-30), lateMs: 30_000, misfireGraceTime: 15 },
        { jobId: 'late', scheduledAt: at(-20), lateMs: 20_000, misfireGraceTime: 15 },
      ]);
      expect((await history('late')).map((r) => [iso(r.scheduledAt), r.outcome])).toEqual([
        [iso(at(-30)), 'missed'],
        [iso(at(-20)), 'missed'],
        [iso(at(0)), 'success'],
      ]);
      expect(iso((await scheduler.getJob('late'))?.nextRunTime ?? null)).toBe(iso(at(10)));
    });

    it('runs each late run within the grace time without coalesce', async () => {
      const { scheduler, clock, contexts, history } = await started();
      await scheduler.addJob(lateJob(false));
      await clock.settle();
      expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(-10), at(0)]));
      expect((await history('late')).map((r) => r.outcome)).toEqual([
        'missed',
        'missed',
        'success',
        'success',
      ]);
    });

    it('runs however late with no grace time, coalescing a backlog into one run', async () => {
      const { scheduler, clock, contexts, eventsOf } = await started();
      await scheduler.addJob({ ...lateJob(true), misfireGraceTime: null, nextRunTime: at(-3600) });
      await clock.settle();
      expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(0)]));
      expect(eventsOf('job.missed')).toEqual([]);
    });
  });

  it('pauses and resumes the whole scheduler; due runs coalesce on resume', async () => {
    const { scheduler, clock, contexts } = await started();
    await scheduler.addJob({
      id: 'iv',
      trigger: { type: 'interval', seconds: 10 },
      action: { handler: 'record' },
    });
    await scheduler.pause();
    await clock.advanceAsync(35_000);
    expect(contexts).toHaveLength(0);
    await scheduler.resume();
    await clock.settle();
    expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(30)]));
    expect(iso(contexts[0].firedAt)).toBe(iso(at(35)));
    await clock.advanceAsync(5_000);
    expect(contexts).toHaveLength(2);
  });

  it('pauses and resumes a job (next run on the grid anchored at creation, not from the resume time)', async () => {
    const { scheduler, clock, contexts } = await started();
    await scheduler.addJob({
      id: 'iv',
      trigger: { type: 'interval', seconds: 10 },
      action: { handler: 'record' },
    });
    await clock.advanceAsync(10_000);
    await scheduler.pauseJob('iv');
    await clock.advanceAsync(25_000);
    expect(contexts).toHaveLength(1);
    await scheduler.resumeJob('iv');
    await clock.advanceAsync(10_000);
    expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(10), at(40)]));
  });

  it('reschedules and modifies: the loop wakes early for an earlier run time', async () => {
    const { scheduler, clock, contexts } = await started();
    await scheduler.addJob({
      id: 'j',
      trigger: { type: 'interval', hours: 1 },
      action: { handler: 'record' },
    });
    await clock.advanceAsync(1_000);
    await scheduler.rescheduleJob('j', { type: 'interval', seconds: 3 });
    await clock.advanceAsync(7_000);
    expect(isoList(contexts.map((c) => c.scheduledAt))).toEqual(isoList([at(4), at(7)]));
    await scheduler.modifyJob('j', { nextRunTime: at(8.5) });
    await clock.advanceAsync(1_000);
    expect(iso(contexts[2].scheduledAt)).toBe(iso(at(8.5)));
    // The moved run is off the grid (anchored at the reschedule: 4, 7, 10 …); the grid stays.
    expect(iso((await scheduler.getJob('j'))?.nextRunTime ?? null)).toBe(iso(at(10)));
  });

  it('applies jitter within [0, jitter] seconds after each fire time', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const { scheduler, clock, contexts } = await started({ random });
    const trigger = { type: 'interval' as const, seconds: 10, jitter: 4, startDate: at(10).toISOString() };
    await scheduler.addJob({ id: 'jit', trigger, action: { handler: 'record' } });
    await clock.advanceAsync(200_000);
    const offsets = contexts.map((c) => c.scheduledAt.getTime() - at(0).getTime());
    expect(offsets.length).toBeGreaterThanOrEqual(18);
    offsets.forEach((ms, i) => {
      const grid = (i + 1) * 10_000;
      expect(ms).toBeGreaterThanOrEqual(grid);
      expect(ms).toBeLessThanOrEqual(grid + 4_000);
    });
    expect(new Set(offsets.map((ms) => ms % 10_000)).size).toBeGreaterThan(5);
    contexts.forEach((c) => expect(iso(c.firedAt)).toBe(iso(c.scheduledAt)));
  });

  it('commits emitted events with ids derived from (job, scheduled time, kind)', async () => {
    const { scheduler, clock, store } = await started();
    const announced: string[] = [];
    scheduler.registerHandler('emit', (ctx) => {
      announced.push(ctx.eventId('restock'));
      const id = ctx.emit('cancel', { topic: 'orders.cancel', key: 'o-1', value: { orderId: 'o-1' } });
      ctx.emit('restock', { topic: 'inventory.restock', key: 'o-1', value: { id }, headers: { h: 'v' } });
      announced.push(ctx.eventId('cancel'));
    });
    await scheduler.addJob({
      id: 'order-1',
      trigger: { type: 'date', runDate: at(5).toISOString() },
      action: { handler: 'emit' },
    });
    await clock.advanceAsync(5_000);
    const events = await store.fetchUnsent(10);
    const cancelId = eventIdFor('order-1', at(5), 'cancel');
    expect(events.map((e) => [e.eventId, e.topic, e.key])).toEqual([
      [cancelId, 'orders.cancel', 'o-1'],
      [eventIdFor('order-1', at(5), 'restock'), 'inventory.restock', 'o-1'],
    ]);
    expect(events[1].value).toEqual({ id: cancelId });
    expect(events[1].headers).toEqual({ h: 'v' });
    // eventId(kind) names the id emit gives, before or after the emit.
    expect(announced).toEqual([eventIdFor('order-1', at(5), 'restock'), cancelId]);
  });

  it('fails a run that emits one kind twice, and discards events of failed runs', async () => {
    const { scheduler, clock, store, history } = await started();
    scheduler.registerHandler('twice', (ctx) => {
      ctx.emit('a', { topic: 't', value: 1 });
      ctx.emit('a', { topic: 't', value: 2 });
    });
    await scheduler.addJob({
      id: 'tw',
      trigger: { type: 'date', runDate: at(1).toISOString() },
      action: { handler: 'twice' },
    });
    await clock.advanceAsync(1_000);
    expect(await store.countUnsent()).toBe(0);
    const [run] = await history('tw');
    expect(run.outcome).toBe('error');
    expect(run.error).toContain('already emitted');
  });
});
