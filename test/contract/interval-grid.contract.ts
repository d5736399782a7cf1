import type { Scheduler } from '../../src/scheduler/scheduler';
import { eventually } from '../support/eventually';
import { useReplicas, type ReplicaStores } from './replica-stores';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * DESIGN section 4: an interval trigger without a start date is anchored at creation (first fire =
 * creation + interval) and the anchor is stored, so pause/resume, a restart and another replica
 * all keep the grid. Run against the memory store (unit) and MySQL (integration).
 */
export function describeIntervalGridContract(label: string, setup: () => Promise<ReplicaStores>): void {
  describe(`${label}: interval grid anchored at creation, durably`, () => {
    const subject = useReplicas(setup);
    const replica = (owner: string): Promise<Scheduler> => subject.replica(owner);

    it('keeps the grid through pause/resume on another replica and a restart', async () => {
      const { clock } = subject;
      const created = clock.now().getTime();
      const a = await replica('a');
      const job = await a.addJob({
        id: 'hourly',
        trigger: { type: 'interval', hours: 1 },
        action: { handler: 'tick' },
      });
      // First fire = creation + interval, and the anchor is part of the stored trigger.
      expect(job.nextRunTime?.getTime()).toBe(created + HOUR);
      expect(job.trigger).toEqual({
        type: 'interval',
        hours: 1,
        startDate: new Date(created + HOUR).toISOString(),
      });

      await clock.advanceAsync(59 * MINUTE + 57_000); // 3 s before the first fire, as in the report
      await a.pauseJob('hourly');
      await clock.advanceAsync(3_000);
      // Resumed by another replica (its own store instance), not the one that paused it.
      const b = await replica('b');
      const resumed = await b.resumeJob('hourly');
      expect(resumed?.nextRunTime?.toISOString()).toBe(new Date(created + HOUR).toISOString());

      // A replica started afterwards fires it on the grid, twice.
      const c = await replica('c');
      await c.start();
      const fired = async (count: number): Promise<string[]> => {
        await clock.setAsync(created + count * HOUR + 500);
        // A SQL store answers in real time: let the loop's due timers and I/O catch up.
        return eventually(`${count} runs of 'hourly'`, async () => {
          await clock.settle();
          const runs = await c.getRunHistory('hourly');
          return runs.length >= count ? runs.map((r) => r.scheduledAt.toISOString()).reverse() : undefined;
        });
      };
      await fired(1);
      expect(await fired(2)).toEqual([
        new Date(created + HOUR).toISOString(),
        new Date(created + 2 * HOUR).toISOString(),
      ]);

      // Paused across a restart of every replica: the grid, not the resume time, decides.
      await c.pauseJob('hourly');
      await c.shutdown();
      await clock.advanceAsync(25 * MINUTE);
      const d = await replica('d');
      const again = await d.resumeJob('hourly');
      expect(again?.nextRunTime?.toISOString()).toBe(new Date(created + 3 * HOUR).toISOString());
    }, 30_000); // hours of fake time through several replicas' loops

    it('anchors the interval parts of and/or triggers too', async () => {
      const created = subject.clock.now().getTime();
      const a = await replica('a');
      const job = await a.addJob({
        id: 'or',
        trigger: {
          type: 'or',
          triggers: [
            { type: 'interval', minutes: 10 },
            { type: 'cron', hour: 3 },
          ],
        },
        action: { handler: 'tick' },
      });
      expect(job.trigger).toEqual({
        type: 'or',
        triggers: [
          { type: 'interval', minutes: 10, startDate: new Date(created + 10 * MINUTE).toISOString() },
          { type: 'cron', hour: 3 },
        ],
      });
      await subject.clock.advanceAsync(13 * MINUTE);
      await a.pauseJob('or');
      const resumed = await (await replica('b')).resumeJob('or');
      expect(resumed?.nextRunTime?.toISOString()).toBe(new Date(created + 20 * MINUTE).toISOString());
    });
  });
}
