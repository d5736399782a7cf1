import { RunAbortedError, StoreUnavailableError } from '../../../src/scheduler/errors';
import { FlakyStore } from './flaky-store';
import { at, createHarness, deferred, iso } from './harness';
import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { Scheduler } from '../../../src/scheduler/scheduler';

const outcomes = async (h: ReturnType<typeof createHarness>, id: string) =>
  (await h.history(id)).map((r) => [iso(r.scheduledAt), r.outcome]);

describe('Scheduler: failures, timeouts, shutdown', () => {
  const every = (seconds: number) => ({ type: 'interval' as const, seconds });

  it('records a throwing job as an error (job.error) while other jobs keep running', async () => {
    const h = createHarness();
    const boom = new Error('boom');
    let fine = 0;
    h.scheduler.registerHandler('throws', (ctx) => {
      ctx.emit('never', { topic: 't', value: 1 });
      throw boom;
    });
    h.scheduler.registerHandler('fine', () => {
      fine++;
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'bad', trigger: every(5), action: { handler: 'throws' } });
    await h.scheduler.addJob({ id: 'good', trigger: every(5), action: { handler: 'fine' } });
    await h.clock.advanceAsync(20_000);
    expect(fine).toBe(4);
    expect(await outcomes(h, 'bad')).toEqual([5, 10, 15, 20].map((s) => [iso(at(s)), 'error']));
    expect((await h.history('bad'))[0].error).toBe('Error: boom');
    expect(h.eventsOf('job.error')[0]).toMatchObject({
      jobId: 'bad',
      outcome: 'error',
      error: boom,
      scheduledAt: at(5),
    });
    expect(await h.store.countUnsent()).toBe(0);
    expect(iso((await h.scheduler.getJob('bad'))?.nextRunTime ?? null)).toBe(iso(at(25)));
  });

  it('times out a run (its signal aborts) and keeps the job scheduled', async () => {
    const h = createHarness({ runTimeoutMs: 3_000 });
    let signal: AbortSignal | undefined;
    h.scheduler.registerHandler('hang', (ctx) => {
      signal = ctx.signal;
      return new Promise<void>(() => {});
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'h', trigger: every(10), action: { handler: 'hang' } });
    await h.clock.advanceAsync(12_999);
    expect(await outcomes(h, 'h')).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(signal?.aborted).toBe(true);
    const [run] = await h.history('h');
    expect(run).toMatchObject({ outcome: 'timeout', startedAt: at(10), finishedAt: at(13) });
    expect(run.error).toContain('RunTimeoutError');
    expect(h.eventsOf('job.error')[0]).toMatchObject({ outcome: 'timeout' });
    await h.clock.advanceAsync(10_000);
    expect(await outcomes(h, 'h')).toEqual([
      [iso(at(10)), 'timeout'],
      [iso(at(20)), 'timeout'],
    ]);
  });

  it('does not let a slow job hold up others', async () => {
    const h = createHarness({ maxConcurrency: 2 });
    const gate = deferred();
    const fast: string[] = [];
    h.scheduler.registerHandler('slow', () => gate.promise);
    h.scheduler.registerHandler('fast', (ctx) => {
      fast.push(iso(ctx.firedAt) as string);
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'slow', trigger: every(1), action: { handler: 'slow' } });
    await h.scheduler.addJob({ id: 'fast', trigger: every(1), action: { handler: 'fast' } });
    await h.clock.advanceAsync(5_000);
    expect(fast).toEqual([1, 2, 3, 4, 5].map((s) => iso(at(s))));
    gate.resolve();
  });

  it('backs off while the store is down, reports it, and recovers', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00.000Z');
    const store = new FlakyStore({ clock });
    const scheduler = new Scheduler({
      store,
      clock,
      owner: 'r1',
      maxPollMs: 60_000,
      backoffMs: 1_000,
      maxBackoffMs: 8_000,
    });
    const ran: string[] = [];
    const errors: unknown[] = [];
    scheduler.on('scheduler.error', ({ error }) => errors.push(error));
    scheduler.registerHandler('rec', (ctx) => {
      ran.push(iso(ctx.scheduledAt) as string);
    });
    await scheduler.start();
    await scheduler.addJob({
      id: 'j',
      trigger: { type: 'date', runDate: at(10).toISOString() },
      action: { handler: 'rec' },
    });
    store.down = true;
    await clock.advanceAsync(30_000);
    expect(scheduler.healthy).toBe(false);
    expect(scheduler.lastError).toBeInstanceOf(StoreUnavailableError);
    expect(ran).toEqual([]);
    // Back-off doubles to its cap: 1+2+4+8+8+8 s... a handful of calls in 30 s, not a busy loop.
    expect(store.failedCalls).toBeGreaterThanOrEqual(4);
    expect(store.failedCalls).toBeLessThanOrEqual(8);
    store.down = false;
    await clock.advanceAsync(8_000);
    expect(ran).toEqual([iso(at(10))]);
    expect(scheduler.healthy).toBe(true);
    expect(await scheduler.getJob('j')).toBeNull();
    expect(errors.length).toBe(store.failedCalls);
    await scheduler.shutdown();
  });

  it('retries a completion the store failed to commit, committing it once', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00.000Z');
    const store = new FlakyStore({ clock });
    const scheduler = new Scheduler({ store, clock, owner: 'r1', maxPollMs: 60_000, backoffMs: 500 });
    const gate = deferred();
    scheduler.registerHandler('gated', (ctx) => {
      ctx.emit('e', { topic: 't', value: 1 });
      return gate.promise;
    });
    await scheduler.start();
    await scheduler.addJob({
      id: 'j',
      trigger: { type: 'date', runDate: at(1).toISOString() },
      action: { handler: 'gated' },
    });
    await clock.advanceAsync(1_000);
    store.down = true;
    gate.resolve();
    await clock.advanceAsync(2_000);
    expect(scheduler.healthy).toBe(false);
    expect(await store.getRunHistory('j', 10)).toEqual([]);
    store.down = false;
    await clock.advanceAsync(5_000);
    expect((await store.getRunHistory('j', 10)).map((r) => r.outcome)).toEqual(['success']);
    expect(await store.countUnsent()).toBe(1);
    expect(await store.getJob('j')).toBeNull();
    expect(scheduler.healthy).toBe(true);
    await scheduler.shutdown();
  });

  it('shutdown with wait lets runs in flight finish and commit', async () => {
    const h = createHarness();
    const gate = deferred();
    h.scheduler.registerHandler('gated', () => gate.promise);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'w', trigger: every(10), action: { handler: 'gated' } });
    await h.clock.advanceAsync(10_000);
    let done = false;
    const stopping = h.scheduler.shutdown({ wait: true }).then(() => {
      done = true;
    });
    await h.clock.advanceAsync(1_000);
    expect(done).toBe(false);
    gate.resolve();
    await h.clock.settle();
    await stopping;
    expect(await outcomes(h, 'w')).toEqual([[iso(at(10)), 'success']]);
    expect(iso((await h.store.getJob('w'))?.nextRunTime ?? null)).toBe(iso(at(20)));
    expect(h.eventsOf('scheduler.shutdown')).toEqual([{ owner: 'test-replica', wait: true }]);
    await h.clock.advanceAsync(60_000);
    expect(await outcomes(h, 'w')).toHaveLength(1);
    expect(h.scheduler.running).toBe(false);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('shutdown without wait aborts runs in flight and releases their leases', async () => {
    const h = createHarness();
    let signal: AbortSignal | undefined;
    h.scheduler.registerHandler('hang', (ctx) => {
      signal = ctx.signal;
      return new Promise<void>(() => {});
    });
    h.scheduler.registerHandler('quick', () => {});
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'hang', trigger: every(10), action: { handler: 'hang' } });
    await h.scheduler.addJob({ id: 'quick', trigger: every(10), action: { handler: 'quick' } });
    await h.clock.advanceAsync(10_000);
    await h.scheduler.shutdown({ wait: false });
    expect(signal?.reason).toBeInstanceOf(RunAbortedError);
    expect(await outcomes(h, 'hang')).toEqual([]);
    expect(await outcomes(h, 'quick')).toEqual([[iso(at(10)), 'success']]);
    // Released: another replica takes it at once, with its run still due.
    const taken = await h.store.acquireDueJobs({
      owner: 'other',
      now: at(10),
      limit: 10,
      leaseUntil: at(40),
    });
    expect(taken.map((j) => [j.id, iso(j.nextRunTime)])).toEqual([['hang', iso(at(10))]]);
  });

  it('can start again after a shutdown', async () => {
    const h = createHarness();
    let runs = 0;
    h.scheduler.registerHandler('count', () => {
      runs++;
    });
    await h.scheduler.start();
    await expect(h.scheduler.start()).rejects.toMatchObject({ code: 'SCHEDULER_ALREADY_RUNNING' });
    await h.scheduler.addJob({ id: 'c', trigger: every(10), action: { handler: 'count' } });
    await h.scheduler.shutdown();
    await h.clock.advanceAsync(15_000);
    expect(runs).toBe(0);
    await h.scheduler.start();
    await h.clock.settle();
    expect(runs).toBe(1);
    await h.scheduler.shutdown();
  });

  it('survives a throwing listener, reporting it as scheduler.error', async () => {
    const h = createHarness();
    h.scheduler.registerHandler('noop', () => {});
    h.scheduler.on('job.executed', () => {
      throw new Error('listener bug');
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'l', trigger: every(10), action: { handler: 'noop' } });
    await h.clock.advanceAsync(20_000);
    expect(await outcomes(h, 'l')).toHaveLength(2);
    expect(h.eventsOf('scheduler.error').map((e) => e.during)).toEqual([
      'listener of job.executed',
      'listener of job.executed',
    ]);
  });
});
