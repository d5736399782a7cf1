import type { RunContext } from '../../../src/scheduler/handlers';
import { at, createHarness, deferred, iso } from './harness';

/** A handler whose runs wait until the test releases them. */
function gatedHandler() {
  const gates: ReturnType<typeof deferred<void>>[] = [];
  const contexts: RunContext[] = [];
  const handler = (ctx: RunContext) => {
    contexts.push(ctx);
    const gate = deferred();
    gates.push(gate);
    return gate.promise;
  };
  return { handler, gates, contexts };
}

const outcomes = async (h: ReturnType<typeof createHarness>, id: string) =>
  (await h.history(id)).map((r) => [iso(r.scheduledAt), r.outcome]);

describe('Scheduler: instances, on-demand runs, removal during a run', () => {
  const every10 = { type: 'interval' as const, seconds: 10 };

  it('skips runs falling due while maxInstances runs are in flight, and extends the lease', async () => {
    const h = createHarness({ leaseMs: 30_000 });
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 's', trigger: every10, action: { handler: 'slow' } });
    await h.clock.advanceAsync(35_000);
    expect(slow.contexts).toHaveLength(1);
    expect(h.eventsOf('job.maxInstances')).toEqual([
      { jobId: 's', scheduledRunTimes: [at(20)], maxInstances: 1 },
      { jobId: 's', scheduledRunTimes: [at(30)], maxInstances: 1 },
    ]);
    // Past the first lease's expiry (40 s): extended, so no other replica can take the job.
    await h.clock.advanceAsync(10_000);
    expect(
      await h.store.acquireDueJobs({ owner: 'other', now: at(45), limit: 10, leaseUntil: at(75) }),
    ).toEqual([]);
    slow.gates[0].resolve();
    await h.clock.settle();
    expect(await outcomes(h, 's')).toEqual([
      [iso(at(10)), 'success'],
      [iso(at(20)), 'max_instances'],
      [iso(at(30)), 'max_instances'],
      [iso(at(40)), 'max_instances'],
    ]);
    expect(iso((await h.scheduler.getJob('s'))?.nextRunTime ?? null)).toBe(iso(at(50)));
  });

  it('starts overlapping instances up to maxInstances', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 's', trigger: every10, action: { handler: 'slow' }, maxInstances: 2 });
    await h.clock.advanceAsync(30_000);
    expect(slow.contexts.map((c) => iso(c.scheduledAt))).toEqual([iso(at(10)), iso(at(20))]);
    slow.gates.forEach((g) => g.resolve());
    await h.clock.settle();
    expect(await outcomes(h, 's')).toEqual([
      [iso(at(10)), 'success'],
      [iso(at(20)), 'success'],
      [iso(at(30)), 'max_instances'],
    ]);
  });

  it('does not start overlapping runs of a job removed by another replica meanwhile', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 's', trigger: every10, action: { handler: 'slow' }, maxInstances: 3 });
    await h.clock.advanceAsync(10_000);
    await h.store.removeJob('s'); // straight to the store: this scheduler does not hear of it
    await h.clock.advanceAsync(20_000);
    expect(slow.contexts).toHaveLength(1);
  });

  it('runs a job now, outside its schedule; a paused job stays paused', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({
      id: 'n',
      trigger: { type: 'interval', hours: 1 },
      action: { handler: 'slow' },
    });
    await h.scheduler.addJob({ id: 'p', trigger: every10, action: { handler: 'slow' }, paused: true });
    await h.clock.advanceAsync(1_000);
    expect(await h.scheduler.runJobNow('n')).toEqual({ scheduledAt: at(1), outcome: 'submitted' });
    expect(await h.scheduler.runJobNow('p')).toEqual({ scheduledAt: at(1), outcome: 'submitted' });
    await h.clock.settle();
    // In flight with maxInstances 1: a second one is refused.
    expect(await h.scheduler.runJobNow('n')).toEqual({ scheduledAt: at(1), outcome: 'max_instances' });
    await expect(h.scheduler.runJobNow('ghost')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    slow.gates.forEach((g) => g.resolve());
    await h.clock.settle();
    expect(await outcomes(h, 'n')).toEqual([
      [iso(at(1)), 'max_instances'],
      [iso(at(1)), 'success'],
    ]);
    expect(iso((await h.scheduler.getJob('n'))?.nextRunTime ?? null)).toBe(iso(at(3600)));
    expect(await h.scheduler.getJob('p')).toMatchObject({ paused: true, nextRunTime: null });
    expect(await outcomes(h, 'p')).toEqual([[iso(at(1)), 'success']]);
  });

  it('lets a run of a removed job finish and commit; the job does not come back', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', (ctx) => {
      ctx.emit('done', { topic: 't', value: 'x' });
      return slow.handler(ctx);
    });
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'r', trigger: every10, action: { handler: 'slow' } });
    await h.clock.advanceAsync(10_000);
    await h.scheduler.removeJob('r');
    slow.gates[0].resolve();
    await h.clock.advanceAsync(60_000);
    expect(slow.contexts).toHaveLength(1);
    expect(await h.scheduler.getJob('r')).toBeNull();
    expect(await outcomes(h, 'r')).toEqual([[iso(at(10)), 'success']]);
    expect(await h.store.countUnsent()).toBe(1);
  });

  it('keeps a change made during a run (the change wins over the completion)', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'c', trigger: every10, action: { handler: 'slow' } });
    await h.clock.advanceAsync(10_000);
    await h.scheduler.modifyJob('c', { nextRunTime: at(100) });
    slow.gates[0].resolve();
    await h.clock.advanceAsync(20_000);
    expect(iso((await h.scheduler.getJob('c'))?.nextRunTime ?? null)).toBe(iso(at(100)));
    expect(slow.contexts).toHaveLength(1);
  });

  it('drops a completion whose lease another replica took, reporting LEASE_LOST', async () => {
    const h = createHarness();
    const slow = gatedHandler();
    h.scheduler.registerHandler('slow', slow.handler);
    await h.scheduler.start();
    await h.scheduler.addJob({ id: 'l', trigger: every10, action: { handler: 'slow' } });
    await h.clock.advanceAsync(10_000);
    // As if this replica had stalled past its lease: another one reclaims the job.
    await h.store.releaseJobs('test-replica', ['l']);
    expect(
      await h.store.acquireDueJobs({ owner: 'other', now: at(11), limit: 1, leaseUntil: at(41) }),
    ).toHaveLength(1);
    slow.gates[0].resolve();
    await h.clock.settle();
    expect(await outcomes(h, 'l')).toEqual([]);
    expect(h.eventsOf('scheduler.error').map((e) => (e.error as { code: string }).code)).toEqual([
      'LEASE_LOST',
    ]);
    expect(h.scheduler.healthy).toBe(true);
  });
});
