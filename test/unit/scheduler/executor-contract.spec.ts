import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import type { SchedulerEventMap } from '../../../src/scheduler/events';
import type { Executor } from '../../../src/scheduler/executor/executor';
import { InProcessExecutor } from '../../../src/scheduler/executor/in-process-executor';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { WorkerPoolExecutor } from '../../../src/worker-pool';
import { eventually } from '../../support/eventually';
import { at, iso, T0 } from './harness';

/**
 * The executor contract, run against both executors with the same worker-module handlers: the
 * default (in-process) one and the worker-thread pool (piscina). Same outcomes, same records, same
 * events, for success, errors, timeouts, max instances, capacity and shutdown. Time is the fake
 * clock's; what happens in a worker thread takes real time, so results are awaited with eventually().
 */
const MODULES = resolve(__dirname, '../../fixtures/worker-modules');
const HANDLERS = join(MODULES, 'handlers.js');
const TIMEOUT_MS = 3_000;

interface Setup {
  clock: FakeClock;
  store: MemoryJobStore;
  scheduler: Scheduler;
  executor: Executor;
  /** The executor name handlers are registered with. */
  name: string;
  offThread: boolean;
}

type Kind = (clock: FakeClock, capacity: number) => { executor: Executor; name: string; offThread: boolean };

const kinds: Array<[string, Kind]> = [
  [
    'default executor (in-process)',
    // What the scheduler builds when given none, made here so the test can read its counts.
    (clock, capacity) => ({
      executor: new InProcessExecutor({ clock, maxConcurrency: capacity, timeoutMs: TIMEOUT_MS }),
      name: 'default',
      offThread: false,
    }),
  ],
  [
    'WorkerPoolExecutor (piscina worker threads)',
    (clock, capacity) => ({
      executor: new WorkerPoolExecutor({ clock, maxThreads: capacity, timeoutMs: TIMEOUT_MS }),
      name: 'pool',
      offThread: true,
    }),
  ],
];

describe.each(kinds)('executor contract: %s', (_label, make) => {
  let setup: Setup;
  let gateDir: string;
  const fired: Array<SchedulerEventMap['job.executed']> = [];
  const errors: Array<SchedulerEventMap['job.error']> = [];
  const skipped: Array<SchedulerEventMap['job.maxInstances']> = [];

  function start(capacity = 2): Setup {
    const clock = new FakeClock(T0);
    const store = new MemoryJobStore({ clock });
    const made = make(clock, capacity);
    const scheduler = new Scheduler({
      store,
      clock,
      owner: 'contract',
      maxPollMs: 60_000,
      executors: { [made.name]: made.executor },
    });
    scheduler.on('job.executed', (e) => fired.push(e));
    scheduler.on('job.error', (e) => errors.push(e));
    scheduler.on('job.maxInstances', (e) => skipped.push(e));
    setup = { clock, store, scheduler, ...made };
    return setup;
  }

  const register = (handler: string, exportName: string, filename = HANDLERS) =>
    setup.scheduler.registerWorkerHandler(handler, { filename, exportName }, { executor: setup.name });

  const history = async (jobId: string) => (await setup.store.getRunHistory(jobId, 100)).reverse();
  const outcomes = async (jobId: string) =>
    (await history(jobId)).map((r) => [iso(r.scheduledAt), r.outcome]);
  /** Lets real-time work (a worker thread) finish and the scheduler commit it. */
  const until = (what: string, probe: () => Promise<boolean>) =>
    eventually(what, async () => {
      await setup.clock.settle();
      return (await probe()) ? true : undefined;
    });
  const openGate = (gate: string) => writeFileSync(gate, '');

  beforeEach(() => {
    fired.length = 0;
    errors.length = 0;
    skipped.length = 0;
    gateDir = mkdtempSync(join(tmpdir(), 'executor-contract-'));
  });

  afterEach(async () => {
    // Open every gate a test left closed, so no in-process wait outlives it.
    for (let i = 0; i < 10; i++) openGate(join(gateDir, `gate-${i}`));
    if (setup?.scheduler.running) await setup.scheduler.shutdown({ wait: false });
    await setup?.executor.close?.();
    rmSync(gateDir, { recursive: true, force: true });
  });

  it('runs the module with the run’s data; the events it returns commit with the run', async () => {
    const { scheduler, clock, store } = start();
    register('echo', 'echo');
    await scheduler.start();
    await scheduler.addJob({
      id: 'e',
      trigger: { type: 'interval', seconds: 10 },
      action: { handler: 'echo', args: { n: 3 } },
    });
    await clock.advanceAsync(10_000);
    await until('the run', async () => (await history('e')).length === 1);
    expect(await outcomes('e')).toEqual([[iso(at(10)), 'success']]);
    expect(fired).toHaveLength(1);
    const [event] = fired[0].events;
    expect(event).toMatchObject({ topic: 'out', key: 'e' });
    expect(event.value).toMatchObject({ args: { n: 3 }, scheduledAt: iso(at(10)), datesAreDates: true });
    // Off-thread really means another thread.
    const ranOn = (event.value as { threadId: number }).threadId;
    if (setup.offThread) expect(ranOn).not.toBe(threadId);
    else expect(ranOn).toBe(threadId);
    expect(await store.countUnsent()).toBe(1);
    expect(iso((await scheduler.getJob('e'))?.nextRunTime ?? null)).toBe(iso(at(20)));
  });

  it('a module exporting itself, or an ES module, works the same', async () => {
    const { scheduler, clock } = start();
    register('whole', 'default', join(MODULES, 'default-export.js'));
    // Jest loads modules through its own registry, which cannot load an ES module on the test's
    // thread; Node itself can (require(esm)), and so the pool's threads can here.
    register('esm', 'shout', join(MODULES, setup.offThread ? 'esm-module.mjs' : 'esm-module.cjs'));
    await scheduler.start();
    await scheduler.addJob({
      id: 'w',
      trigger: { type: 'date', runDate: iso(at(5))! },
      action: { handler: 'whole' },
    });
    await scheduler.addJob({
      id: 's',
      trigger: { type: 'date', runDate: iso(at(5))! },
      action: { handler: 'esm', args: 'hi' },
    });
    await clock.advanceAsync(5_000);
    await until('both runs', async () => fired.length === 2);
    expect(fired.map((f) => f.events[0].value).sort()).toEqual(['HI', 'w']);
  });

  it.each([
    ['fail', 'Error: boom in a worker module'],
    ['failAsync', 'async boom'],
    ['badResult', 'result'],
    ['noSuchExport', ''],
  ])(
    'a run of %s that fails is an error: recorded, announced, nothing emitted, job kept',
    async (exportName, message) => {
      const { scheduler, clock, store } = start();
      register('h', exportName);
      await scheduler.start();
      await scheduler.addJob({
        id: 'f',
        trigger: { type: 'interval', seconds: 10 },
        action: { handler: 'h' },
      });
      await clock.advanceAsync(10_000);
      await until('the failed run', async () => (await history('f')).length === 1);
      const [run] = await history('f');
      expect(run).toMatchObject({ outcome: 'error', scheduledAt: at(10) });
      expect(run.error).toContain(message);
      expect(errors).toEqual([
        expect.objectContaining({ jobId: 'f', outcome: 'error', scheduledAt: at(10) }),
      ]);
      expect(await store.countUnsent()).toBe(0);
      expect(iso((await scheduler.getJob('f'))?.nextRunTime ?? null)).toBe(iso(at(20)));
    },
  );

  it('a run past the timeout is a timeout at exactly the timeout; the slot is freed for the next', async () => {
    const { scheduler, clock, executor } = start(1);
    register('gated', 'gated');
    register('echo', 'echo');
    await scheduler.start();
    const gate = join(gateDir, 'gate-0'); // never opened during the test
    await scheduler.addJob({
      id: 'slow',
      trigger: { type: 'date', runDate: iso(at(10))! },
      action: { handler: 'gated', args: { gate } },
    });
    await scheduler.addJob({
      id: 'next',
      trigger: { type: 'date', runDate: iso(at(11))! },
      action: { handler: 'echo' },
    });
    await clock.advanceAsync(11_000);
    expect(executor.running).toBe(1);
    expect(executor.queued).toBe(1); // capacity 1: the other run waits for the slot
    await clock.advanceAsync(TIMEOUT_MS - 1_000 - 1);
    expect(await history('slow')).toEqual([]);
    await clock.advanceAsync(1);
    await until('the timeout recorded', async () => (await history('slow')).length === 1);
    const [run] = await history('slow');
    expect(run).toMatchObject({ outcome: 'timeout', startedAt: at(10), finishedAt: at(13) });
    expect(run.error).toContain('RunTimeoutError');
    await until('the queued run ran', async () => (await history('next')).length === 1);
    expect(await outcomes('next')).toEqual([[iso(at(11)), 'success']]);
  });

  it('maxInstances: a due time while the run is in flight is skipped as max_instances', async () => {
    const { scheduler, clock } = start();
    register('gated', 'gated');
    await scheduler.start();
    const gate = join(gateDir, 'gate-1');
    await scheduler.addJob({
      id: 'm',
      trigger: { type: 'interval', seconds: 1 },
      action: { handler: 'gated', args: { gate } },
      maxInstances: 1,
    });
    await clock.advanceAsync(3_000); // due at 1 (runs, in flight), 2 and 3 (skipped)
    expect(skipped.map((s) => s.scheduledRunTimes.map(iso))).toEqual([[iso(at(2))], [iso(at(3))]]);
    openGate(gate);
    await until('the run', async () => (await history('m')).some((r) => r.outcome === 'success'));
    expect((await outcomes('m')).sort()).toEqual([
      [iso(at(1)), 'success'],
      [iso(at(2)), 'max_instances'],
      [iso(at(3)), 'max_instances'],
    ]);
  });

  it('shutdown without wait aborts the run in flight: nothing is recorded, the job is left due', async () => {
    const { scheduler, clock, store, executor } = start();
    register('gated', 'gated');
    await scheduler.start();
    await scheduler.addJob({
      id: 'a',
      trigger: { type: 'date', runDate: iso(at(5))! },
      action: { handler: 'gated', args: { gate: join(gateDir, 'gate-2') } },
    });
    await clock.advanceAsync(5_000);
    expect(executor.running).toBe(1);
    await scheduler.shutdown({ wait: false });
    expect(executor.running).toBe(0);
    expect(await store.getRunHistory('a', 10)).toEqual([]);
    expect(iso((await store.getJob('a'))?.nextRunTime ?? null)).toBe(iso(at(5)));
  });
});

describe('WorkerPoolExecutor beyond the contract', () => {
  it('stops a handler stuck in a loop at the timeout (its thread is terminated) and keeps serving', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryJobStore({ clock });
    const pool = new WorkerPoolExecutor({ clock, maxThreads: 1, timeoutMs: TIMEOUT_MS });
    const scheduler = new Scheduler({ store, clock, maxPollMs: 60_000, executors: { pool } });
    const opts = { executor: 'pool' };
    scheduler.registerWorkerHandler('forever', { filename: HANDLERS, exportName: 'spinForever' }, opts);
    scheduler.registerWorkerHandler('echo', { filename: HANDLERS, exportName: 'echo' }, opts);
    await scheduler.start();
    try {
      await scheduler.addJob({
        id: 'loop',
        trigger: { type: 'date', runDate: iso(at(1))! },
        action: { handler: 'forever' },
      });
      await clock.advanceAsync(1_000);
      await eventually('a thread started', async () => (pool.threads > 0 ? true : undefined));
      await clock.advanceAsync(TIMEOUT_MS);

      await eventually('the timeout', async () => {
        await clock.settle();
        return (await store.getRunHistory('loop', 1))[0]?.outcome === 'timeout' ? true : undefined;
      });
      await scheduler.addJob({
        id: 'after',
        trigger: { type: 'date', runDate: iso(at(10))! },
        action: { handler: 'echo' },
      });
      await clock.advanceAsync(6_000); // to 10 s, and no further: the run takes real time (a new thread)
      await eventually('the next run on a fresh thread', async () => {
        await clock.settle();
        return (await store.getRunHistory('after', 1))[0]?.outcome === 'success' ? true : undefined;
      });
    } finally {
      await scheduler.shutdown({ wait: false });
    }
    expect(pool.threads).toBe(0); // shutdown closed the pool
  });

  it('registration refuses what cannot work, naming the field', () => {
    const clock = new FakeClock(T0);
    const pool = new WorkerPoolExecutor({ clock, maxThreads: 1, timeoutMs: null });
    const scheduler = new Scheduler({ store: new MemoryJobStore({ clock }), clock, executors: { pool } });
    expect(() => scheduler.registerHandler('fn', () => undefined, { executor: 'pool' })).toThrow(
      expect.objectContaining({
        field: 'executor',
        reason: expect.stringContaining('registerWorkerHandler'),
      }),
    );
    expect(() =>
      scheduler.registerWorkerHandler('x', { filename: HANDLERS, exportName: 'echo' }, { executor: 'nope' }),
    ).toThrow(expect.objectContaining({ field: 'executor' }));
    expect(() => scheduler.registerWorkerHandler('x', { filename: 'handlers.js' })).toThrow(
      expect.objectContaining({ field: 'module.filename', reason: 'must be an absolute path' }),
    );
    expect(() => scheduler.registerWorkerHandler('x', { filename: join(MODULES, 'missing.js') })).toThrow(
      expect.objectContaining({ field: 'module.filename' }),
    );
    expect(() => new WorkerPoolExecutor({ clock, maxThreads: 0, timeoutMs: null })).toThrow(
      expect.objectContaining({ field: 'maxThreads' }),
    );
    expect(
      () => new Scheduler({ store: new MemoryJobStore({ clock }), clock, executors: { default: pool } }),
    ).toThrow(expect.objectContaining({ field: 'executors.default' }));
  });
});
