import { JobOwnershipError } from '../../src/scheduler/definitions/errors';
import { parseJobDefinition, type JobDefinition } from '../../src/scheduler/definitions/job-definition';
import { reconcileJobs, type ReconcileReport } from '../../src/scheduler/definitions/reconcile';
import type { Scheduler } from '../../src/scheduler/scheduler';
import { eventually } from '../support/eventually';
import { useReplicas, type ReplicaStores } from './replica-stores';

const MINUTE = 60_000;

/** Definitions as a jobs file or @ScheduledJob gives them (APScheduler's names). */
function defs(...raw: Array<Record<string, unknown>>): JobDefinition[] {
  return raw.map((r, i) => parseJobDefinition({ func: 'tick', ...r }, `jobs[${i}]`));
}

const V1 = (): JobDefinition[] =>
  defs(
    { id: 'nightly', trigger: 'cron', hour: 3, minute: 0, misfire_grace_time: 600 },
    { id: 'every-5m', trigger: 'interval', minutes: 5 },
    { id: 'retired', trigger: 'cron', day: 'last sun', hour: 4 },
  );

/** V1 with nightly moved to 04:30, every-5m's options changed, retired gone, weekly new. */
const V2 = (): JobDefinition[] =>
  defs(
    { id: 'nightly', trigger: 'cron', hour: 4, minute: 30, misfire_grace_time: 600 },
    { id: 'every-5m', trigger: 'interval', minutes: 5, max_instances: 3, coalesce: false },
    { id: 'weekly', trigger: 'cron', day_of_week: 'mon', hour: 9 },
  );

/**
 * Jobs defined in code or a file, reconciled into the store (src/scheduler/definitions): restart,
 * redeploy with changes, removal, ownership, versions and replicas starting together. Run against
 * the memory store (unit) and MariaDB (integration). The clock starts at 2030-01-01T00:00:00Z.
 */
export function describeJobDefinitionsContract(label: string, setup: () => Promise<ReplicaStores>): void {
  describe(`${label}: defined jobs reconciled into the store`, () => {
    const subject = useReplicas(setup);
    const replica = (owner: string): Promise<Scheduler> => subject.replica(owner);

    const reconcile = async (
      s: Scheduler,
      definitions: JobDefinition[],
      version = 0,
      source = 'code',
    ): Promise<ReconcileReport> => reconcileJobs(s, { source, version, definitions, appliedBy: s.owner });

    const nextRuns = async (s: Scheduler): Promise<Record<string, string | null>> =>
      Object.fromEntries(
        (await s.getJobs()).map((j) => [j.id, j.nextRunTime ? j.nextRunTime.toISOString() : null]),
      );

    it('adds new definitions once; a restart with the same code writes nothing and keeps next run times', async () => {
      const a = await replica('a');
      const first = await reconcile(a, V1());
      expect(first).toMatchObject({ outcome: 'applied', storedVersion: null });
      expect(first.added.sort()).toEqual(['every-5m', 'nightly', 'retired']);
      const before = await nextRuns(a);
      expect(before).toEqual({
        nightly: '2030-01-01T03:00:00.000Z',
        'every-5m': '2030-01-01T00:05:00.000Z',
        retired: '2030-01-27T04:00:00.000Z',
      });
      const stored = await a.getJob('nightly');
      expect(stored).toMatchObject({ misfireGraceTime: 600, action: { handler: 'tick' } });

      // Restart an hour later: an interval without a start date is not re-anchored, nothing resets.
      await subject.clock.advanceAsync(2 * MINUTE);
      const b = await replica('b');
      const again = await reconcile(b, V1());
      expect(again).toMatchObject({
        outcome: 'unchanged',
        added: [],
        rescheduled: [],
        modified: [],
        removed: [],
      });
      expect(await nextRuns(b)).toEqual(before);
    });

    it('keeps the next run time of a job that has fired across a restart (not reset, not doubled)', async () => {
      const { clock } = subject;
      const a = await replica('a');
      await reconcile(a, defs({ id: 'every-5m', trigger: 'interval', minutes: 5 }));
      await a.start();
      await clock.setAsync(Date.parse('2030-01-01T00:05:00.500Z'));
      await eventually('the first run of every-5m', async () => {
        await clock.settle();
        return (await a.getRunHistory('every-5m')).length >= 1 ? true : undefined;
      });
      await eventually('the next run time moved on', async () => {
        const job = await a.getJob('every-5m');
        return job?.nextRunTime?.toISOString() === '2030-01-01T00:10:00.000Z' ? true : undefined;
      });
      await a.shutdown();

      // The new deploy starts at 00:07 with the same definitions: the job stays at 00:10, the
      // 00:05 run is not repeated and the grid is the one anchored at creation.
      await clock.setAsync(Date.parse('2030-01-01T00:07:00Z'));
      const b = await replica('b');
      expect((await reconcile(b, defs({ id: 'every-5m', trigger: 'interval', minutes: 5 }))).outcome).toBe(
        'unchanged',
      );
      await b.start();
      await clock.setAsync(Date.parse('2030-01-01T00:10:00.500Z'));
      const runs = await eventually('the second run', async () => {
        await clock.settle();
        const history = await b.getRunHistory('every-5m');
        return history.length >= 2 ? history : undefined;
      });
      expect(runs.map((r) => r.scheduledAt.toISOString()).reverse()).toEqual([
        '2030-01-01T00:05:00.000Z',
        '2030-01-01T00:10:00.000Z',
      ]);
    }, 30_000); // minutes of fake time through two replicas' loops

    it('a redeploy applies changes: trigger → next run recomputed, options → next run kept, removed → deleted, new → added', async () => {
      const { clock } = subject;
      const a = await replica('a');
      await reconcile(a, V1());
      const anchored = (await a.getJob('every-5m'))?.trigger;
      await clock.advanceAsync(2 * MINUTE);

      const b = await replica('b');
      const report = await reconcile(b, V2());
      expect(report).toMatchObject({
        outcome: 'applied',
        added: ['weekly'],
        rescheduled: ['nightly'],
        modified: ['every-5m'],
        removed: ['retired'],
      });
      const jobs = new Map((await b.getJobs()).map((j) => [j.id, j]));
      expect([...jobs.keys()].sort()).toEqual(['every-5m', 'nightly', 'weekly']);
      expect(jobs.get('nightly')?.nextRunTime?.toISOString()).toBe('2030-01-01T04:30:00.000Z');
      expect(jobs.get('nightly')?.trigger).toEqual({ type: 'cron', hour: 4, minute: 30 });
      // Options changed: same trigger (and anchor), same next run, new options.
      expect(jobs.get('every-5m')).toMatchObject({
        trigger: anchored,
        nextRunTime: new Date('2030-01-01T00:05:00.000Z'),
        maxInstances: 3,
        coalesce: false,
      });
      expect(jobs.get('weekly')?.nextRunTime?.toISOString()).toBe('2030-01-07T09:00:00.000Z');
    });

    it('never touches jobs it does not own; a definition on a taken id fails the start, changing nothing', async () => {
      const a = await replica('a');
      await a.addJob({
        id: 'made-over-rest',
        trigger: { type: 'cron', hour: 1 },
        action: { handler: 'tick' },
      });
      await reconcile(a, V1());
      await reconcile(a, V2());
      await reconcile(a, []);
      expect((await a.getJobs()).map((j) => j.id)).toEqual(['made-over-rest']);

      const claim = defs(
        { id: 'made-over-rest', trigger: 'interval', minutes: 1 },
        { id: 'x', trigger: 'interval', hours: 1 },
      );
      await expect(reconcile(a, claim)).rejects.toBeInstanceOf(JobOwnershipError);
      const rest = await a.getJob('made-over-rest');
      expect(rest?.trigger).toEqual({ type: 'cron', hour: 1 });
      // Nothing of the failed unit of work was written (x was not added).
      expect(await a.getJob('x')).toBeNull();

      // Another source cannot take a job this one owns either.
      await reconcile(a, V1());
      await expect(
        reconcile(a, defs({ id: 'nightly', trigger: 'cron', hour: 5 }), 0, 'file'),
      ).rejects.toBeInstanceOf(JobOwnershipError);
    });

    it('leaves an admin pause, and a one-shot job that ran, as they are while the definition is unchanged', async () => {
      const { clock } = subject;
      const a = await replica('a');
      const set = (): JobDefinition[] =>
        defs(
          { id: 'once', trigger: 'date', run_date: '2030-01-01T00:01:00Z' },
          { id: 'nightly', trigger: 'cron', hour: 3 },
        );
      await reconcile(a, set());
      await a.pauseJob('nightly');
      await a.start();
      await clock.setAsync(Date.parse('2030-01-01T00:01:00.500Z'));
      await eventually('the one-shot job ran and ended', async () => {
        await clock.settle();
        return (await a.getJob('once')) === null ? true : undefined;
      });
      await a.shutdown();

      const b = await replica('b');
      expect((await reconcile(b, set())).outcome).toBe('unchanged');
      expect(await b.getJob('once')).toBeNull();
      expect(await b.getJob('nightly')).toMatchObject({ paused: true, nextRunTime: null });

      // A trigger change keeps the pause; a changed one-shot definition comes back.
      const changed = defs(
        { id: 'once', trigger: 'date', run_date: '2030-01-02T00:00:00Z' },
        { id: 'nightly', trigger: 'cron', hour: 5 },
      );
      const report = await reconcile(b, changed);
      expect(report).toMatchObject({ added: ['once'], rescheduled: ['nightly'] });
      expect(await b.getJob('nightly')).toMatchObject({
        paused: true,
        nextRunTime: null,
        trigger: { hour: 5 },
      });
      expect((await b.getJob('once'))?.nextRunTime?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    }, 30_000);

    it('versions: an older set is superseded and never reverts a newer one', async () => {
      const a = await replica('a');
      expect((await reconcile(a, V2(), 2)).outcome).toBe('applied');
      const afterV2 = await nextRuns(a);
      const old = await reconcile(await replica('old'), V1(), 1);
      expect(old).toMatchObject({ outcome: 'superseded', storedVersion: 2, added: [], removed: [] });
      expect(await nextRuns(a)).toEqual(afterV2);
      expect((await reconcile(await replica('next'), V1(), 3)).outcome).toBe('applied');
      expect(Object.keys(await nextRuns(a)).sort()).toEqual(['every-5m', 'nightly', 'retired']);
    });

    it('replicas of two versions starting together: the newest version wins whatever the order, no duplicates', async () => {
      const replicas = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map(replica));
      const reports = await Promise.all(
        replicas.map((r, i) => (i % 2 === 0 ? reconcile(r, V1(), 1) : reconcile(r, V2(), 2))),
      );
      const v2 = reports.filter((r) => r.version === 2);
      // v2 was applied exactly once; every other v2 replica found it done.
      expect(v2.filter((r) => r.outcome === 'applied')).toHaveLength(1);
      expect(v2.filter((r) => r.outcome === 'unchanged')).toHaveLength(2);
      const jobs = await replicas[0].getJobs();
      expect(jobs.map((j) => j.id).sort()).toEqual(['every-5m', 'nightly', 'weekly']);
      expect(jobs.find((j) => j.id === 'nightly')?.nextRunTime?.toISOString()).toBe(
        '2030-01-01T04:30:00.000Z',
      );
      // Late restarts of the old version change nothing.
      const late = await reconcile(await replica('late'), V1(), 1);
      expect(late.outcome).toBe('superseded');
    });

    it('replicas of one version starting together apply it once; the rest find it unchanged', async () => {
      const replicas = await Promise.all(['r1', 'r2', 'r3', 'r4'].map(replica));
      const reports = await Promise.all(replicas.map((r) => reconcile(r, V1(), 5)));
      expect(reports.map((r) => r.outcome).sort()).toEqual([
        'applied',
        'unchanged',
        'unchanged',
        'unchanged',
      ]);
      expect((await replicas[0].getJobs()).map((j) => j.id).sort()).toEqual([
        'every-5m',
        'nightly',
        'retired',
      ]);
    });
  });
}
