import { ConflictingIdError, StoreUnavailableError } from '../../src/scheduler/errors';
import type { FakeClock } from '../../src/scheduler/clocks/fake-clock';
import type { AddJobInput } from '../../src/scheduler/job';
import type { JobStore } from '../../src/scheduler/ports/job-store';
import { Scheduler } from '../../src/scheduler/scheduler';

export interface GroupCommitSubject {
  store: JobStore;
  clock: FakeClock;
  teardown(): Promise<void>;
}

const RUN_AT = '2031-01-01T00:00:00.000Z';
const input = (id: string, extra: Partial<AddJobInput> = {}): AddJobInput => ({
  id,
  trigger: { type: 'date', runDate: RUN_AT },
  action: { handler: 'noop', args: { id } },
  ...extra,
});

/** Calls to the store's add methods, and the jobs in each. */
function countAdds(store: JobStore): { calls: number[] } {
  const seen = { calls: [] as number[] };
  const addJobs = store.addJobs.bind(store);
  const addJob = store.addJob.bind(store);
  store.addJobs = async (jobs) => {
    seen.calls.push(jobs.length);
    return addJobs(jobs);
  };
  store.addJob = async (job) => {
    seen.calls.push(1);
    return addJob(job);
  };
  return seen;
}

/**
 * Group commit of Scheduler.addJob against every store: concurrent single adds go to the store
 * together, yet every caller gets its own outcome, as if it had added alone.
 */
export function describeGroupCommitContract(label: string, setup: () => Promise<GroupCommitSubject>): void {
  describe(`${label}: addJob group commit`, () => {
    let subject: GroupCommitSubject;
    let scheduler: Scheduler;
    let added: Array<{ jobId: string; replaced: boolean }>;

    beforeEach(async () => {
      subject = await setup();
      scheduler = new Scheduler({ store: subject.store, clock: subject.clock });
      scheduler.registerHandler('noop', () => undefined);
      added = [];
      scheduler.on('job.added', (e) => added.push({ jobId: e.jobId, replaced: e.replaced }));
    });
    afterEach(async () => {
      await subject.teardown();
    });

    it('stores 200 concurrent adds in a few store calls; each caller gets its job and one job.added', async () => {
      const seen = countAdds(subject.store);
      const ids = Array.from({ length: 200 }, (_, i) => `gc-${String(i).padStart(3, '0')}`);
      const jobs = await Promise.all(ids.map((id) => scheduler.addJob(input(id))));
      expect(jobs.map((j) => j.id)).toEqual(ids);
      expect(jobs.every((j) => j.nextRunTime?.toISOString() === RUN_AT)).toBe(true);
      expect(seen.calls.reduce((a, b) => a + b, 0)).toBe(200);
      expect(seen.calls.length).toBeLessThanOrEqual(4); // batched, not one commit per add
      expect((await scheduler.getJobs()).map((j) => j.id).sort()).toEqual(ids);
      expect(added.map((e) => e.jobId).sort()).toEqual(ids);
      expect(added.every((e) => !e.replaced)).toBe(true);
    });

    it('a taken id fails only its own caller (JOB_CONFLICT), also when two concurrent adds share an id (one wins)', async () => {
      await scheduler.addJob(input('taken', { name: 'first' }));
      added = [];
      const seen = countAdds(subject.store);
      const inputs = [
        input('a'),
        input('taken', { name: 'second' }),
        input('twin', { name: 'twin 1' }),
        input('b'),
        input('twin', { name: 'twin 2' }),
        input('c'),
      ];
      const results = await Promise.allSettled(inputs.map((i) => scheduler.addJob(i)));
      expect(seen.calls.length).toBeLessThan(inputs.length);
      const status = results.map((r) => r.status);
      expect([status[0], status[1], status[3], status[5]]).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      // Two concurrent adds of one id: exactly one wins, the other is told the id is taken.
      expect([status[2], status[4]].sort()).toEqual(['fulfilled', 'rejected']);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(ConflictingIdError);
          expect((r.reason as ConflictingIdError).code).toBe('JOB_CONFLICT');
        }
      }
      expect((await scheduler.getJob('taken'))?.name).toBe('first'); // left as it was
      const winner = status[2] === 'fulfilled' ? 'twin 1' : 'twin 2';
      expect((await scheduler.getJob('twin'))?.name).toBe(winner);
      expect(added.map((e) => e.jobId).sort()).toEqual(['a', 'b', 'c', 'twin']);
    });

    it('replaceExisting in a batch replaces the stored job (job.added replaced) while the others are added', async () => {
      await scheduler.addJob(input('old', { name: 'before' }));
      added = [];
      const results = await Promise.all([
        scheduler.addJob(input('n1')),
        scheduler.addJob(input('old', { name: 'after', replaceExisting: true })),
        scheduler.addJob(input('n2')),
      ]);
      expect(results.map((j) => j.id)).toEqual(['n1', 'old', 'n2']);
      expect((await scheduler.getJob('old'))?.name).toBe('after');
      expect(added).toEqual(
        expect.arrayContaining([
          { jobId: 'n1', replaced: false },
          { jobId: 'old', replaced: true },
          { jobId: 'n2', replaced: false },
        ]),
      );
      expect(added).toHaveLength(3);
    });

    it('a batch failing for an unknown reason is retried add by add: each caller gets its own outcome', async () => {
      // The store refuses one row ('bad'); the batch holding it fails as a whole.
      const addJobs = subject.store.addJobs.bind(subject.store);
      let failed = 0;
      subject.store.addJobs = async (jobs) => {
        if (jobs.some((j) => j.id === 'bad')) {
          failed++;
          throw new Error('a row the store refused');
        }
        return addJobs(jobs);
      };
      const addJob = subject.store.addJob.bind(subject.store);
      subject.store.addJob = async (job) => {
        if (job.id === 'bad') throw new Error('this one is refused');
        return addJob(job);
      };
      const ids = ['x1', 'bad', 'x2', 'x3'];
      const results = await Promise.allSettled(ids.map((id) => scheduler.addJob(input(id))));
      expect(failed).toBe(1);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('this one is refused'));
      expect((await scheduler.getJobs()).map((j) => j.id).sort()).toEqual(['x1', 'x2', 'x3']);
    });

    it('a store that is down fails every caller of the batch with STORE_UNAVAILABLE, and nothing is stored', async () => {
      const down = new StoreUnavailableError('database unavailable');
      subject.store.addJobs = async () => {
        throw down;
      };
      subject.store.addJob = async () => {
        throw down;
      };
      const results = await Promise.allSettled(['d1', 'd2', 'd3'].map((id) => scheduler.addJob(input(id))));
      expect(
        results.map((r) => (r.status === 'rejected' ? (r.reason as StoreUnavailableError).code : 'ok')),
      ).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
      expect(await scheduler.getJobs()).toEqual([]);
      expect(added).toEqual([]);
    });
  });
}
