import { FakeClock } from '../../src/scheduler/clocks/fake-clock';
import type { Job } from '../../src/scheduler/job';
import { eventIdFor, type OutboxEvent } from '../../src/scheduler/outbox';
import type {
  GuardBatch,
  JobStore,
  RunCompletion,
  StoreTransaction,
} from '../../src/scheduler/ports/job-store';
import type { OutboxStore } from '../../src/scheduler/ports/outbox-store';
import { Scheduler } from '../../src/scheduler/scheduler';
import { eventually } from '../support/eventually';
import { at, makeJob } from './job-store.contract';

export interface UnitOfWorkSubject {
  store: JobStore & OutboxStore;
  /** The store's clock (lease checks of `removeJob({ ifFree })` read it). */
  clock: FakeClock;
  /** True when one completeRuns call checks a GuardBatch once for all its runs (SQL stores). */
  batchesGuards?: boolean;
  teardown(): Promise<void>;
}

function event(jobId: string, kind: string): OutboxEvent {
  return {
    eventId: eventIdFor(jobId, at(0), kind),
    topic: 'uow.topic',
    key: jobId,
    value: { jobId, kind },
    headers: {},
  };
}

class Rollback extends Error {}

/**
 * The unit of work (JobStore.transaction, Scheduler.transaction) and guarded completions, run
 * against every store. `setup` gives an empty store whose clock is at 2030-01-01 (before `at(0)`).
 */
export function describeUnitOfWorkContract(label: string, setup: () => Promise<UnitOfWorkSubject>): void {
  describe(`${label}: unit of work contract`, () => {
    let subject: UnitOfWorkSubject;
    let store: JobStore & OutboxStore;

    beforeEach(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.teardown();
    });

    const unsentIds = async (): Promise<string[]> => (await store.fetchUnsent(100)).map((e) => e.eventId);
    const lease = async (id: string): Promise<Job> => {
      const job = await store.acquireJob({ owner: 'r1', jobId: id, now: at(0), leaseUntil: at(30) });
      if (!job) throw new Error(`could not lease ${id}`);
      return job;
    };
    const completion = (job: Job, extra: Partial<RunCompletion> = {}): RunCompletion => ({
      jobId: job.id,
      version: job.version,
      runs: [{ scheduledAt: at(0), startedAt: at(0), finishedAt: at(1), outcome: 'success', error: null }],
      events: [],
      nextRunTime: null,
      ...extra,
    });

    it('commits jobs and outbox events together; afterCommit runs once, after the commit', async () => {
      const seen: string[] = [];
      const result = await store.transaction(async (tx) => {
        const added = await tx.addJobs([makeJob('t1', 5), makeJob('t2', 6)]);
        await tx.appendEvents([event('t1', 'hello')]);
        tx.afterCommit(() => seen.push(`committed, t1 stored: ${String(seen.length === 0)}`));
        expect(await store.getJob('t1')).toBeNull(); // not visible outside before the commit
        return added;
      });
      expect(result).toEqual({ added: ['t1', 't2'], replaced: [], duplicates: [] });
      expect(seen).toEqual(['committed, t1 stored: true']);
      expect((await store.getJobs()).map((j) => j.id)).toEqual(['t1', 't2']);
      expect(await unsentIds()).toEqual([eventIdFor('t1', at(0), 'hello')]);
    });

    it('rolls everything back when the work throws: no job, no event, no afterCommit', async () => {
      await store.addJob(makeJob('keep', 9));
      let called = false;
      await expect(
        store.transaction(async (tx) => {
          await tx.addJobs([makeJob('t1', 5)]);
          expect(await tx.removeJob('keep')).toBe('removed');
          await tx.appendEvents([event('t1', 'hello')]);
          tx.afterCommit(() => {
            called = true;
          });
          throw new Rollback('domain said no');
        }),
      ).rejects.toBeInstanceOf(Rollback);
      expect(called).toBe(false);
      expect((await store.getJobs()).map((j) => j.id)).toEqual(['keep']);
      expect(await unsentIds()).toEqual([]);
    });

    it('reports taken ids as duplicates, or replaces them when asked (lease kept, version bumped)', async () => {
      await store.addJob(makeJob('d1', 5));
      const leased = await lease('d1');
      const plain = await store.transaction((tx) =>
        tx.addJobs([makeJob('d1', 7), makeJob('d2', 8), makeJob('d2', 9)]),
      );
      expect(plain).toEqual({ added: ['d2'], replaced: [], duplicates: ['d1', 'd2'] });
      expect((await store.getJob('d2'))?.nextRunTime).toEqual(at(8));
      const replaced = await store.transaction((tx) =>
        tx.addJobs([makeJob('d1', 7, { name: 'renamed' })], { replaceExisting: true }),
      );
      expect(replaced).toEqual({ added: [], replaced: ['d1'], duplicates: [] });
      const stored = (await store.getJob('d1')) as Job;
      expect(stored.name).toBe('renamed');
      expect(stored.version).not.toBe(leased.version);
      // Still leased by r1: nobody else can claim it.
      expect(await store.acquireJob({ owner: 'r2', jobId: 'd1', now: at(1), leaseUntil: at(40) })).toBeNull();
    });

    it('a job removed while leased stays removed; its run still commits history and events', async () => {
      await store.addJob(makeJob('l1', 0));
      const job = await lease('l1');
      expect(await store.transaction((tx) => tx.removeJob('l1'))).toBe('removed');
      expect(await store.getJob('l1')).toBeNull();
      const result = await store.completeRuns('r1', [
        completion(job, { events: [event('l1', 'ran')], nextRunTime: at(10) }),
      ]);
      expect(result.leaseLost).toEqual([]);
      expect(await store.getJob('l1')).toBeNull();
      expect(await store.getRunHistory('l1', 5)).toHaveLength(1);
      expect(await unsentIds()).toEqual([eventIdFor('l1', at(0), 'ran')]);
    });

    it('removeJob({ ifFree }) leaves a leased job alone without waiting, and removes it once the lease expired', async () => {
      await store.addJob(makeJob('f1', 0));
      await lease('f1');
      subject.clock.set(at(29));
      expect(await store.transaction((tx) => tx.removeJob('f1', { ifFree: true }))).toBe('leased');
      expect(await store.getJob('f1')).not.toBeNull();
      subject.clock.set(at(31));
      expect(await store.transaction((tx) => tx.removeJob('f1', { ifFree: true }))).toBe('removed');
      expect(await store.transaction((tx) => tx.removeJob('f1', { ifFree: true }))).toBe('missing');
    });

    it('guarded events commit only when their guard says so; a guard writes in the completion transaction', async () => {
      await store.addJobs([makeJob('g1', 0), makeJob('g2', 0)]);
      const [g1, g2] = [await lease('g1'), await lease('g2')];
      const calls: string[] = [];
      const guard =
        (id: string, pass: boolean) =>
        async (tx: StoreTransaction): Promise<boolean> => {
          calls.push(id);
          await tx.appendEvents([event(id, 'guard-wrote')]);
          return pass;
        };
      await store.completeRuns('r1', [
        completion(g1, {
          events: [event('g1', 'plain')],
          guarded: [{ guard: guard('g1', true), events: [event('g1', 'cancel')] }],
        }),
        completion(g2, { guarded: [{ guard: guard('g2', false), events: [event('g2', 'cancel')] }] }),
      ]);
      expect(calls).toEqual(['g1', 'g2']);
      expect((await unsentIds()).sort()).toEqual(
        [
          eventIdFor('g1', at(0), 'plain'),
          eventIdFor('g1', at(0), 'guard-wrote'),
          eventIdFor('g1', at(0), 'cancel'),
          eventIdFor('g2', at(0), 'guard-wrote'),
        ].sort(),
      );
      expect(await store.getRunHistory('g2', 5)).toHaveLength(1);
    });

    it('a GuardBatch gets the items of every applied run in completion order and decides each run', async () => {
      const ids = ['b1', 'b2', 'b3', 'b4', 'lost'];
      await store.addJobs(ids.map((id) => makeJob(id, 0)));
      const jobs = await Promise.all(ids.map(lease));
      // 'lost' is reclaimed by another replica before r1 completes it.
      await store.acquireJob({ owner: 'r2', jobId: 'lost', now: at(31), leaseUntil: at(60) });
      const calls: string[][] = [];
      const batch: GuardBatch<string> = {
        async check(tx, items) {
          calls.push([...items]);
          // Writes join the completion transaction, as a plain guard's do.
          await tx.appendEvents(items.map((id) => event(id, 'batch-wrote')));
          return items.map((id) => id !== 'b2' && id !== 'b4');
        },
      };
      const plain = async (): Promise<boolean> => true;
      const result = await store.completeRuns(
        'r1',
        jobs.map((job) =>
          completion(job, {
            guarded: [
              job.id === 'b3'
                ? { guard: plain, events: [event('b3', 'cancel')] }
                : { guard: { batch, item: job.id }, events: [event(job.id, 'cancel')] },
            ],
          }),
        ),
      );
      expect(result.leaseLost).toEqual(['lost']);
      expect(calls.flat()).toEqual(['b1', 'b2', 'b4']);
      if (subject.batchesGuards) expect(calls).toHaveLength(1);
      expect((await unsentIds()).sort()).toEqual(
        [
          ...['b1', 'b2', 'b4'].map((id) => eventIdFor(id, at(0), 'batch-wrote')),
          eventIdFor('b1', at(0), 'cancel'),
          eventIdFor('b3', at(0), 'cancel'),
        ].sort(),
      );
      for (const id of ['b1', 'b2', 'b3', 'b4']) expect(await store.getRunHistory(id, 5)).toHaveLength(1);
    });

    it('never calls the guard of a completion whose lease was lost', async () => {
      await store.addJob(makeJob('x1', 0));
      const job = await lease('x1');
      await store.acquireJob({ owner: 'r2', jobId: 'x1', now: at(31), leaseUntil: at(60) });
      let called = false;
      const result = await store.completeRuns('r1', [
        completion(job, {
          guarded: [
            {
              guard: async () => {
                called = true;
                return true;
              },
              events: [event('x1', 'cancel')],
            },
          ],
        }),
      ]);
      expect(result.leaseLost).toEqual(['x1']);
      expect(called).toBe(false);
      expect(await unsentIds()).toEqual([]);
    });

    it('Scheduler.transaction: job.added after commit, and the sleeping loop wakes for a job due now', async () => {
      subject.clock.set(at(0));
      const scheduler = new Scheduler({ store, clock: subject.clock, owner: 'uow', maxPollMs: 3_600_000 });
      scheduler.registerHandler('noop', (ctx) => {
        ctx.emit('ran', { topic: 'uow.topic', value: { ran: ctx.jobId } });
      });
      const added: string[] = [];
      scheduler.on('job.added', (e) => added.push(e.jobId));
      await scheduler.start();
      try {
        await subject.clock.advanceAsync(1); // the loop found nothing and sleeps for an hour
        await scheduler.transaction(async (tx) => {
          await tx.addJob({
            id: 'now',
            trigger: { type: 'date', runDate: at(0).toISOString() },
            action: { handler: 'noop' },
          });
          expect(added).toEqual([]);
        });
        expect(added).toEqual(['now']);
        await eventually('the job added in a unit of work fired without a poll', async () =>
          (await unsentIds()).length === 1 ? true : undefined,
        );
        expect(await store.getJob('now')).toBeNull();
      } finally {
        await scheduler.shutdown({ wait: true });
      }
    });
  });
}
