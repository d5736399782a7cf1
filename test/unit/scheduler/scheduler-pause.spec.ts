import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { MemorySchedulerState } from '../../../src/scheduler/memory/memory-scheduler-state';
import { Scheduler } from '../../../src/scheduler/scheduler';
import type { SchedulerEventMap } from '../../../src/scheduler/events';
import { at, iso, T0 } from './harness';

/**
 * Scheduler-wide pause()/resume() (APScheduler's), across two replicas sharing one memory store
 * and one state: nothing fires anywhere while paused, schedules are kept, and the backlog follows
 * each job's misfireGraceTime/coalesce on resume.
 */
function cluster() {
  const clock = new FakeClock(T0);
  const store = new MemoryJobStore({ clock });
  const state = new MemorySchedulerState();
  const fired: Array<{ jobId: string; scheduledAt: string; owner: string }> = [];
  const missed: Array<SchedulerEventMap['job.missed']> = [];
  const replica = (owner: string) => {
    const scheduler = new Scheduler({ store, clock, state, owner, maxPollMs: 1_000 });
    scheduler.registerHandler('record', (ctx) => {
      fired.push({ jobId: ctx.jobId, scheduledAt: ctx.scheduledAt.toISOString(), owner });
    });
    scheduler.on('job.missed', (e) => missed.push(e));
    return scheduler;
  };
  return { clock, store, state, fired, missed, a: replica('a'), b: replica('b') };
}

describe('scheduler-wide pause and resume', () => {
  test('a pause through one replica stops both; resume through the other runs the backlog per job options', async () => {
    const { clock, store, fired, missed, a, b } = cluster();
    await a.start();
    await b.start();
    await a.addJob({
      id: 'coalesced',
      trigger: { type: 'interval', seconds: 10, startDate: at(10).toISOString() },
      action: { handler: 'record' },
    });
    await a.addJob({
      id: 'each',
      trigger: { type: 'interval', seconds: 10, startDate: at(10).toISOString() },
      action: { handler: 'record' },
      coalesce: false,
      misfireGraceTime: 25,
    });
    await clock.advanceAsync(10_000);
    expect(fired.map((f) => f.scheduledAt)).toEqual([iso(at(10)), iso(at(10))]);

    await a.pause();
    expect(await b.isPausedEverywhere()).toBe(true);
    await clock.advanceAsync(50_000); // due at 20, 30, 40, 50, 60: nothing runs, on either replica
    expect(fired).toHaveLength(2);
    expect(b.isPaused).toBe(true);
    // Schedules kept: each job still waits for its first missed time.
    expect(iso((await store.getJob('coalesced'))?.nextRunTime ?? null)).toBe(iso(at(20)));
    expect((await store.getJob('each'))?.paused).toBe(false);

    await b.resume();
    await clock.advanceAsync(1_000); // now 61 s; every replica sees the flag within a poll
    const after = fired.slice(2);
    // coalesce: the backlog runs once; without: each run within the 25 s grace (40, 50, 60) runs.
    expect(after.filter((f) => f.jobId === 'coalesced').map((f) => f.scheduledAt)).toEqual([iso(at(60))]);
    expect(after.filter((f) => f.jobId === 'each').map((f) => f.scheduledAt)).toEqual([
      iso(at(40)),
      iso(at(50)),
      iso(at(60)),
    ]);
    expect(missed.map((m) => [m.jobId, iso(m.scheduledAt)])).toEqual([
      ['each', iso(at(20))],
      ['each', iso(at(30))],
    ]);
    await clock.advanceAsync(10_000);
    expect(fired.slice(2 + after.length).map((f) => f.scheduledAt)).toEqual([iso(at(70)), iso(at(70))]);
    await a.shutdown();
    await b.shutdown();
  });

  test('the flag is stored: a replica started later stays paused until resumed', async () => {
    const { clock, fired, a, b } = cluster();
    await a.addJob({ id: 'j', trigger: { type: 'interval', seconds: 5 }, action: { handler: 'record' } });
    await a.pause(); // before any replica runs
    await b.start();
    await clock.advanceAsync(20_000);
    expect(fired).toEqual([]);
    expect(b.isPaused).toBe(true);
    await a.resume();
    await clock.advanceAsync(1_000);
    expect(fired.map((f) => [f.owner, f.scheduledAt])).toEqual([['b', iso(at(20))]]);
    await b.shutdown();
  });

  test('pause and resume are idempotent', async () => {
    const { a } = cluster();
    await a.pause();
    await a.pause();
    expect(await a.isPausedEverywhere()).toBe(true);
    await a.resume();
    await a.resume();
    expect(await a.isPausedEverywhere()).toBe(false);
  });
});
