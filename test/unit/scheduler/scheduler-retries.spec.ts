import { ActionError } from '../../../src/scheduler/errors';
import { at, createHarness, iso } from './harness';

// Retry policy, dead runs and redrive, on the memory store under a fake clock.
const exact = { backoff: { initialSeconds: 10, multiplier: 2, maxSeconds: 600, jitter: 0 } };
const once = (seconds: number) => ({ type: 'date' as const, runDate: at(seconds).toISOString() });
const attempts = async (h: ReturnType<typeof createHarness>, id: string) =>
  (await h.history(id)).map((r) => [iso(r.startedAt), r.outcome, r.attempt]);

function failing(times: number, error: () => Error = () => new Error('target down')) {
  let calls = 0;
  return () => {
    calls++;
    if (calls <= times) throw error();
  };
}

describe('Scheduler: retries, dead runs, redrive', () => {
  it('re-attempts a failed one-shot run after the back-off until it succeeds', async () => {
    const h = createHarness();
    h.scheduler.registerHandler('flaky', failing(2));
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: once(5),
      action: { handler: 'flaky' },
      retry: { maxAttempts: 3, ...exact },
    });
    await h.clock.advanceAsync(5_000);
    expect(iso((await h.scheduler.getJob('j'))!.nextRunTime)).toBe(iso(at(15)));
    await h.clock.advanceAsync(40_000);
    expect(await attempts(h, 'j')).toEqual([
      [iso(at(5)), 'error', 1],
      [iso(at(15)), 'error', 2],
      [iso(at(35)), 'success', 3],
    ]);
    expect(h.eventsOf('job.retryScheduled').map((e) => [e.attempt, iso(e.dueAt)])).toEqual([
      [2, iso(at(15))],
      [3, iso(at(35))],
    ]);
    expect(await h.scheduler.getJob('j')).toBeNull();
    expect(await h.store.listDeadRuns({ limit: 10 })).toEqual([]);
  });

  it('makes an exhausted run dead: listed, dead-lettered, the one-shot job gone', async () => {
    const h = createHarness({ deadLetterTopic: 'scheduler.dead-letter' });
    h.scheduler.registerHandler('down', failing(99));
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: once(5),
      action: { handler: 'down' },
      retry: { maxAttempts: 2, ...exact },
    });
    await h.clock.advanceAsync(60_000);
    expect((await attempts(h, 'j')).map((a) => a[2])).toEqual([1, 2]);
    const [dead] = await h.store.listDeadRuns({ limit: 10 });
    expect(dead).toMatchObject({
      jobId: 'j',
      scheduledAt: at(5),
      attempts: 2,
      handler: 'down',
      lastError: 'Error: target down',
    });
    const [event] = await h.store.fetchUnsent(10);
    expect(event.topic).toBe('scheduler.dead-letter');
    expect(event.value).toMatchObject({
      kind: 'run',
      jobId: 'j',
      attempts: 2,
      scheduledAt: at(5).toISOString(),
    });
    expect(h.eventsOf('job.dead')).toHaveLength(1);
    expect(await h.scheduler.getJob('j')).toBeNull();
  });

  it('a permanent failure (ActionError, retryable false) is dead at its first attempt', async () => {
    const h = createHarness();
    h.scheduler.registerHandler(
      'gone',
      failing(99, () => new ActionError('404 from target', false)),
    );
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: once(1),
      action: { handler: 'gone' },
      retry: { maxAttempts: 5, ...exact },
    });
    await h.clock.advanceAsync(5_000);
    expect((await h.store.listDeadRuns({ limit: 10 }))[0]).toMatchObject({ attempts: 1 });
  });

  it('stops retrying once the next attempt would pass the maximum event age', async () => {
    const h = createHarness();
    h.scheduler.registerHandler('down', failing(99));
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: once(0),
      action: { handler: 'down' },
      retry: { maxAttempts: 100, maxEventAgeSeconds: 60, ...exact },
    });
    await h.clock.advanceAsync(300_000);
    // attempts at 0, 10, 30 (next would be at 70 > 60)
    expect((await attempts(h, 'j')).map((a) => a[0])).toEqual([0, 10, 30].map((s) => iso(at(s))));
    expect((await h.store.listDeadRuns({ limit: 10 }))[0]).toMatchObject({ attempts: 3 });
  });

  it('a recurring job keeps its regular schedule while a failed run is retried', async () => {
    const h = createHarness();
    h.scheduler.registerHandler('first-fails', failing(1));
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'r',
      trigger: { type: 'interval', seconds: 60, startDate: at(0).toISOString() },
      action: { handler: 'first-fails' },
      retry: { maxAttempts: 3, ...exact },
    });
    await h.clock.advanceAsync(125_000);
    expect(
      (await h.history('r')).map((r) => [iso(r.scheduledAt), iso(r.startedAt), r.outcome, r.attempt]),
    ).toEqual([
      [iso(at(0)), iso(at(0)), 'error', 1],
      [iso(at(0)), iso(at(10)), 'success', 2],
      [iso(at(60)), iso(at(60)), 'success', 1],
      [iso(at(120)), iso(at(120)), 'success', 1],
    ]);
  });

  it('retries a timed-out attempt', async () => {
    const h = createHarness({ runTimeoutMs: 1_000 });
    let calls = 0;
    h.scheduler.registerHandler('slow-once', () => (++calls === 1 ? new Promise<void>(() => {}) : undefined));
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'j',
      trigger: once(0),
      action: { handler: 'slow-once' },
      retry: { maxAttempts: 2, ...exact },
    });
    await h.clock.advanceAsync(20_000);
    expect((await attempts(h, 'j')).map((a) => [a[1], a[2]])).toEqual([
      ['timeout', 1],
      ['success', 2],
    ]);
  });

  it('redrives a dead run of an ended one-shot job: it comes back, runs now, and the dead run is settled', async () => {
    const h = createHarness();
    let up = false;
    h.scheduler.registerHandler('later-up', () => {
      if (!up) throw new Error('still down');
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'j', trigger: once(1), action: { handler: 'later-up' } });
    await h.clock.advanceAsync(2_000);
    const [dead] = await h.store.listDeadRuns({ jobId: 'j', limit: 10 });
    expect(dead.attempts).toBe(1); // the engine's default policy: one attempt
    expect(await h.scheduler.getJob('j')).toBeNull();
    up = true;
    expect(await h.scheduler.redriveDeadRun(dead.id)).toBe('redriven');
    expect(await h.scheduler.redriveDeadRun(dead.id)).toBe('settled');
    await h.clock.advanceAsync(1);
    const runs = await h.history('j');
    expect(runs.map((r) => [iso(r.scheduledAt), r.outcome])).toEqual([
      [iso(at(1)), 'error'],
      [iso(at(1)), 'success'],
    ]);
    expect(await h.scheduler.getJob('j')).toBeNull();
    expect(await h.store.listDeadRuns({ limit: 10 })).toEqual([]);
    expect(await h.scheduler.discardDeadRun(dead.id)).toBe('settled');
  });
});
