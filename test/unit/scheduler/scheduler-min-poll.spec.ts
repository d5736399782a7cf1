import { ValidationError } from '../../../src/scheduler/errors';
import type { RunContext } from '../../../src/scheduler/handlers';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { createHarness, iso, T0 } from './harness';

const ms = (n: number): Date => new Date(Date.parse(T0) + n);

describe('Scheduler minPollMs: jobs falling due one after another are claimed together', () => {
  const started = async (minPollMs: number) => {
    const h = createHarness({ minPollMs });
    const contexts: RunContext[] = [];
    h.scheduler.registerHandler('record', (ctx) => {
      contexts.push(ctx);
    });
    const claims: number[] = [];
    const acquire = h.store.acquireDueJobs.bind(h.store);
    h.store.acquireDueJobs = async (request) => {
      const jobs = await acquire(request);
      if (jobs.length > 0) claims.push(jobs.length);
      return jobs;
    };
    await h.scheduler.start();
    for (const due of [5, 10, 15])
      await h.scheduler.addJob({
        id: `j${due}`,
        trigger: { type: 'date', runDate: ms(due).toISOString() },
        action: { handler: 'record' },
      });
    await h.clock.advanceAsync(100);
    return { ...h, contexts, claims };
  };

  it('with 20 ms, the first job runs on time and the two due within 20 ms of its claim run together', async () => {
    const { contexts, claims } = await started(20);
    expect(contexts.map((c) => [iso(c.scheduledAt), iso(c.firedAt)])).toEqual([
      [iso(ms(5)), iso(ms(5))],
      [iso(ms(10)), iso(ms(25))],
      [iso(ms(15)), iso(ms(25))],
    ]);
    expect(claims).toEqual([1, 2]);
  });

  it('with 0 (the library default), each runs at its own time', async () => {
    const { contexts, claims } = await started(0);
    expect(contexts.map((c) => iso(c.firedAt))).toEqual([ms(5), ms(10), ms(15)].map(iso));
    expect(claims).toEqual([1, 1, 1]);
  });

  it('a job added here already due still runs at once', async () => {
    const h = createHarness({ minPollMs: 500 });
    const fired: Date[] = [];
    h.scheduler.registerHandler('record', (ctx) => {
      fired.push(ctx.firedAt);
    });
    await h.scheduler.start();
    await h.clock.advanceAsync(100);
    await h.scheduler.addJob({
      id: 'now',
      trigger: { type: 'date', runDate: ms(100).toISOString() },
      action: { handler: 'record' },
    });
    await h.clock.advanceAsync(0);
    expect(fired.map(iso)).toEqual([iso(ms(100))]);
  });

  it.each([-1, 60_001, Number.NaN])('refuses minPollMs %s (0 to maxPollMs), naming it', (minPollMs) => {
    const { store, clock } = createHarness();
    let error: unknown;
    try {
      new Scheduler({ store, clock, maxPollMs: 60_000, minPollMs });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('minPollMs');
  });
});
