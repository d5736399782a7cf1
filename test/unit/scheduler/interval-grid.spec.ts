import { describeIntervalGridContract } from '../../contract/interval-grid.contract';
import { memoryReplicaStores } from '../../contract/replica-stores';
import { createHarness, iso } from './harness';

// The memory store is shared storage for every "replica" of a test: one instance, opened once.
describeIntervalGridContract('MemoryJobStore', () => memoryReplicaStores('2030-01-01T16:09:53.848Z'));

describe('interval anchoring edge cases', () => {
  test('a job stored before anchoring existed keeps its grid through a pause (anchored at its next run)', async () => {
    const { scheduler, store, clock } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    const next = new Date(clock.now().getTime() + 40 * 60_000);
    await store.addJob({
      id: 'legacy',
      name: 'legacy',
      trigger: { type: 'interval', hours: 1 },
      action: { handler: 'h' },
      misfireGraceTime: null,
      coalesce: true,
      maxInstances: 1,
      paused: false,
      nextRunTime: next,
    });
    await scheduler.pauseJob('legacy');
    await clock.advanceAsync(7_000);
    const resumed = await scheduler.resumeJob('legacy');
    expect(iso(resumed?.nextRunTime ?? null)).toBe(next.toISOString());
  });

  test('an end date before creation + interval leaves the trigger unanchored (it never fires)', async () => {
    const { scheduler, clock } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    const endDate = new Date(clock.now().getTime() + 30_000).toISOString();
    await expect(
      scheduler.addJob({ trigger: { type: 'interval', minutes: 1, endDate }, action: { handler: 'h' } }),
    ).rejects.toMatchObject({ field: 'trigger', reason: 'the trigger never fires' });
    const paused = await scheduler.addJob({
      id: 'p',
      trigger: { type: 'interval', minutes: 1, endDate },
      action: { handler: 'h' },
      paused: true,
    });
    expect(paused.trigger).toEqual({ type: 'interval', minutes: 1, endDate });
  });

  test('rescheduling anchors the new interval at the reschedule time; a given start date is kept', async () => {
    const { scheduler, clock } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    await scheduler.addJob({ id: 'r', trigger: { type: 'cron', hour: 1 }, action: { handler: 'h' } });
    await clock.advanceAsync(90_000);
    const job = await scheduler.rescheduleJob('r', { type: 'interval', seconds: 30 });
    expect(job.trigger).toEqual({
      type: 'interval',
      seconds: 30,
      startDate: new Date(clock.now().getTime() + 30_000).toISOString(),
    });
    const fixed = await scheduler.rescheduleJob('r', {
      type: 'interval',
      seconds: 30,
      startDate: '2020-01-01T00:00:00Z',
    });
    expect(fixed.trigger).toEqual({ type: 'interval', seconds: 30, startDate: '2020-01-01T00:00:00Z' });
  });
});
