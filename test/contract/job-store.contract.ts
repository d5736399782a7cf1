import type { Job } from '../../src/scheduler/job';
import type { OutboxEvent } from '../../src/scheduler/outbox';
import { ALL_OUTBOX_SHARDS, eventIdFor, outboxShard } from '../../src/scheduler/outbox';
import type { JobStore, RunCompletion, RunRecord } from '../../src/scheduler/ports/job-store';
import type { OutboxStore } from '../../src/scheduler/ports/outbox-store';
import { describeJobListContract } from './job-list.contract';

export interface ContractSubject {
  store: JobStore & OutboxStore;
  teardown(): Promise<void>;
}

/** Fixed instants: the suite never reads wall time, so it runs the same against any store. */
const BASE = Date.parse('2030-06-01T12:00:00.000Z');
export const at = (seconds: number): Date => new Date(BASE + seconds * 1000);

export function makeJob(id: string, next: number | null, extra: Partial<Job> = {}): Job {
  return {
    id,
    name: `job ${id}`,
    trigger: { type: 'interval', seconds: 10 },
    action: { handler: 'noop', args: { n: 1, tags: ['a', 'b'] } },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: next === null ? null : at(next),
    retry: null,
    retryState: null,
    ...extra,
  };
}

function withoutVersion(job: Job | null): Omit<Job, 'version'> | null {
  if (!job) return null;
  const { version: _version, ...rest } = job;
  return rest;
}

function run(scheduled: number, outcome: RunRecord['outcome'] = 'success'): RunRecord {
  const ran = outcome !== 'missed' && outcome !== 'max_instances';
  return {
    scheduledAt: at(scheduled),
    startedAt: ran ? at(scheduled + 0.25) : null,
    finishedAt: ran ? at(scheduled + 0.5) : null,
    outcome,
    error: outcome === 'error' ? 'boom' : null,
    attempt: 1,
  };
}

function event(jobId: string, scheduled: number, kind: string, topic = 'out.topic'): OutboxEvent {
  return {
    eventId: eventIdFor(jobId, at(scheduled), kind),
    topic,
    key: jobId,
    value: { jobId, kind, nested: { list: [1, 'two', null] } },
    headers: { 'x-kind': kind },
  };
}

function completion(job: Job, runs: RunRecord[], events: OutboxEvent[], next: number | null): RunCompletion {
  return { jobId: job.id, version: job.version, runs, events, nextRunTime: next === null ? null : at(next) };
}

const ids = (jobs: Job[]): string[] => jobs.map((j) => j.id);

/**
 * The JobStore + OutboxStore contract, run against every store (memory in unit tests, MySQL in
 * integration tests). `setup` must give an empty store; it is called before each test.
 */
export function describeJobStoreContract(label: string, setup: () => Promise<ContractSubject>): void {
  describe(`${label}: JobStore + OutboxStore contract`, () => {
    let subject: ContractSubject;
    let store: JobStore & OutboxStore;

    beforeEach(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.teardown();
    });

    const acquire = (owner: string, now: number, limit = 100, leaseSeconds = 30): Promise<Job[]> =>
      store.acquireDueJobs({ owner, now: at(now), limit, leaseUntil: at(now + leaseSeconds) });

    describe('jobs', () => {
      it('stores a job and gives it back equal, with a numeric version', async () => {
        const job = makeJob('a1', 5, { misfireGraceTime: 30, coalesce: false, maxInstances: 3 });
        await store.addJob(job);
        const stored = await store.getJob('a1');
        expect(withoutVersion(stored)).toEqual(withoutVersion(job));
        expect(typeof stored?.version).toBe('number');
      });

      it('returns null for an unknown id', async () => {
        expect(await store.getJob('nope')).toBeNull();
      });

      it('rejects a second job with the same id (JOB_CONFLICT)', async () => {
        await store.addJob(makeJob('a1', 5));
        await expect(store.addJob(makeJob('a1', 9))).rejects.toMatchObject({
          code: 'JOB_CONFLICT',
          jobId: 'a1',
        });
        expect((await store.getJob('a1'))?.nextRunTime).toEqual(at(5));
      });

      it('hands out copies: mutating what went in or came out changes nothing stored', async () => {
        const job = makeJob('a1', 5);
        await store.addJob(job);
        job.name = 'changed';
        (job.action.args as { n: number }).n = 99;
        const got = (await store.getJob('a1')) as Job;
        got.name = 'changed again';
        got.nextRunTime?.setTime(0);
        const again = (await store.getJob('a1')) as Job;
        expect(again.name).toBe('job a1');
        expect(again.action.args).toEqual({ n: 1, tags: ['a', 'b'] });
        expect(again.nextRunTime).toEqual(at(5));
      });

      it('adds in bulk, reporting duplicates already stored and within the batch', async () => {
        await store.addJob(makeJob('b2', 1));
        const result = await store.addJobs([
          makeJob('b1', 1),
          makeJob('b2', 2),
          makeJob('b3', 3),
          makeJob('b1', 4),
        ]);
        expect(result.added.sort()).toEqual(['b1', 'b3']);
        expect(result.duplicates.sort()).toEqual(['b1', 'b2']);
        expect((await store.getJob('b1'))?.nextRunTime).toEqual(at(1));
        expect((await store.getJob('b2'))?.nextRunTime).toEqual(at(1));
        expect(ids(await store.getJobs())).toEqual(['b1', 'b2', 'b3']);
      });

      it('replaces a job on update and bumps its version; unknown id is JOB_NOT_FOUND', async () => {
        await store.addJob(makeJob('u1', 5));
        const before = (await store.getJob('u1')) as Job;
        await store.updateJob({ ...before, name: 'renamed', nextRunTime: at(7), paused: false });
        const after = (await store.getJob('u1')) as Job;
        expect(after.name).toBe('renamed');
        expect(after.nextRunTime).toEqual(at(7));
        expect(after.version).not.toBe(before.version);
        await expect(store.updateJob(makeJob('ghost', 1))).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
      });

      it('removes one job or all; removing an unknown id is JOB_NOT_FOUND', async () => {
        await store.addJobs([makeJob('r1', 1), makeJob('r2', 2), makeJob('r3', 3)]);
        await store.removeJob('r2');
        expect(await store.getJob('r2')).toBeNull();
        await expect(store.removeJob('r2')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', jobId: 'r2' });
        await store.removeAllJobs();
        expect(await store.getJobs()).toEqual([]);
        expect(await store.getNextRunTime()).toBeNull();
      });

      it('lists jobs by next run time, paused (null) last, ties by id', async () => {
        await store.addJobs([
          makeJob('j4', null, { paused: true }),
          makeJob('j3', 5),
          makeJob('j1', 9),
          makeJob('j2', 5),
          makeJob('j0', null, { paused: true }),
        ]);
        expect(ids(await store.getJobs())).toEqual(['j2', 'j3', 'j1', 'j0', 'j4']);
      });
    });

    describeJobListContract(() => store, makeJob);

    describe('next run time', () => {
      it('is null when empty, else the earliest unpaused, unleased next run time', async () => {
        expect(await store.getNextRunTime()).toBeNull();
        await store.addJobs([makeJob('n1', 20), makeJob('n2', 10), makeJob('n3', 5, { paused: true })]);
        expect(await store.getNextRunTime()).toEqual(at(10));
        await acquire('owner-a', 10);
        expect(await store.getNextRunTime()).toEqual(at(20));
        await store.removeJob('n1');
        expect(await store.getNextRunTime()).toBeNull();
      });

      it('follows updates: an earlier time, a pause', async () => {
        await store.addJobs([makeJob('n1', 20), makeJob('n2', 30)]);
        const n2 = (await store.getJob('n2')) as Job;
        await store.updateJob({ ...n2, nextRunTime: at(3) });
        expect(await store.getNextRunTime()).toEqual(at(3));
        await store.updateJob({ ...n2, nextRunTime: null, paused: true });
        expect(await store.getNextRunTime()).toEqual(at(20));
      });
    });

    describe('acquiring due jobs', () => {
      it('leases only due, unpaused jobs, earliest first (ties by id), up to the limit', async () => {
        await store.addJobs([
          makeJob('d3', 3),
          makeJob('d1', 1),
          makeJob('d2b', 2),
          makeJob('d2a', 2),
          makeJob('p0', 0, { paused: true }),
          makeJob('f9', 9),
        ]);
        expect(ids(await acquire('owner-a', 3, 3))).toEqual(['d1', 'd2a', 'd2b']);
        expect(ids(await acquire('owner-a', 3, 3))).toEqual(['d3']);
        expect(await acquire('owner-a', 8)).toEqual([]);
        expect(ids(await acquire('owner-b', 9))).toEqual(['f9']);
        expect(await acquire('owner-a', 32)).toEqual([]); // every lease still holds
      });

      it('returns jobs with their stored fields and unchanged version', async () => {
        await store.addJob(makeJob('v1', 1));
        const before = (await store.getJob('v1')) as Job;
        const [got] = await acquire('owner-a', 1);
        expect(got).toEqual(before);
        expect((await store.getJob('v1'))?.version).toBe(before.version);
      });

      it('hides a leased job from every owner until the lease expires, then any owner reclaims it', async () => {
        await store.addJob(makeJob('l1', 1));
        expect(ids(await acquire('owner-a', 1, 10, 30))).toEqual(['l1']);
        expect(await acquire('owner-b', 2)).toEqual([]);
        expect(await acquire('owner-a', 30)).toEqual([]);
        expect(ids(await acquire('owner-b', 31.001))).toEqual(['l1']);
        expect(await acquire('owner-a', 40)).toEqual([]);
      });

      it('never gives the same job to two owners', async () => {
        const jobs = Array.from({ length: 40 }, (_, i) => makeJob(`m${String(i).padStart(2, '0')}`, i % 7));
        await store.addJobs(jobs);
        const seen: string[] = [];
        for (let round = 0; round < 8; round++) {
          const [a, b] = await Promise.all([acquire('owner-a', 10, 4), acquire('owner-b', 10, 3)]);
          seen.push(...ids(a), ...ids(b));
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(ids(jobs).sort());
      });

      it('acquires nothing with limit 0', async () => {
        await store.addJob(makeJob('z1', 1));
        expect(await acquire('owner-a', 5, 0)).toEqual([]);
      });
    });

    describe('acquiring one job on demand', () => {
      it('leases a job that is not due, or paused', async () => {
        await store.addJobs([makeJob('o1', 100), makeJob('o2', null, { paused: true })]);
        const req = (jobId: string, owner = 'owner-a') => ({ owner, jobId, now: at(1), leaseUntil: at(31) });
        expect((await store.acquireJob(req('o1')))?.id).toBe('o1');
        expect((await store.acquireJob(req('o2')))?.paused).toBe(true);
        expect(await store.acquireJob(req('ghost'))).toBeNull();
        expect(await store.acquireJob(req('o1', 'owner-b'))).toBeNull();
        expect(
          await store.acquireJob({ owner: 'owner-b', jobId: 'o1', now: at(32), leaseUntil: at(60) }),
        ).not.toBeNull();
      });

      it('keeps a paused job when its on-demand run completes with no next run time', async () => {
        await store.addJob(makeJob('o2', null, { paused: true }));
        const job = (await store.acquireJob({
          owner: 'owner-a',
          jobId: 'o2',
          now: at(1),
          leaseUntil: at(31),
        })) as Job;
        await store.completeRuns('owner-a', [completion(job, [run(1)], [], null)]);
        expect((await store.getJob('o2'))?.paused).toBe(true);
        expect(await store.getRunHistory('o2', 10)).toHaveLength(1);
      });
    });

    describe('completing runs', () => {
      it('commits history, outbox and the next run time together, and releases the lease', async () => {
        await store.addJob(makeJob('c1', 1));
        const [job] = await acquire('owner-a', 1);
        const ev = event('c1', 1, 'done');
        const result = await store.completeRuns('owner-a', [completion(job, [run(1)], [ev], 11)]);
        expect(result.leaseLost).toEqual([]);
        const stored = (await store.getJob('c1')) as Job;
        expect(stored.nextRunTime).toEqual(at(11));
        expect(stored.version).toBe(job.version);
        expect(await store.getRunHistory('c1', 10)).toEqual([{ ...run(1), jobId: 'c1', owner: 'owner-a' }]);
        const [out] = await store.fetchUnsent(10);
        expect(out).toMatchObject(ev);
        expect(await store.getNextRunTime()).toEqual(at(11));
        expect(ids(await acquire('owner-b', 11))).toEqual(['c1']);
      });

      it('removes the job when there is no next run time (one-shot finished)', async () => {
        await store.addJob(makeJob('c1', 1, { trigger: { type: 'date', runDate: at(1).toISOString() } }));
        const [job] = await acquire('owner-a', 1);
        await store.completeRuns('owner-a', [completion(job, [run(1)], [event('c1', 1, 'x')], null)]);
        expect(await store.getJob('c1')).toBeNull();
        expect(await store.getRunHistory('c1', 10)).toHaveLength(1);
        expect(await store.countUnsent()).toBe(1);
      });

      it('applies nothing of a completion whose lease was lost, and reports it', async () => {
        await store.addJobs([makeJob('c1', 1), makeJob('c2', 1)]);
        const jobs = await acquire('owner-a', 1, 10, 30);
        const reclaimed = await acquire('owner-b', 40);
        expect(ids(reclaimed)).toEqual(['c1', 'c2']);
        const [c1, c2] = jobs;
        await store.completeRuns('owner-b', [completion(reclaimed[1], [run(1)], [], 60)]);
        const result = await store.completeRuns('owner-a', [
          completion(c1, [run(1)], [event('c1', 1, 'x')], 11),
          completion(c2, [run(1)], [event('c2', 1, 'x')], 11),
        ]);
        expect(result.leaseLost.sort()).toEqual(['c1', 'c2']);
        expect(await store.getRunHistory('c1', 10)).toEqual([]);
        expect(await store.getRunHistory('c2', 10)).toEqual([{ ...run(1), jobId: 'c2', owner: 'owner-b' }]);
        expect(await store.countUnsent()).toBe(0);
        expect((await store.getJob('c1'))?.nextRunTime).toEqual(at(1));
        expect((await store.getJob('c2'))?.nextRunTime).toEqual(at(60));
        expect(await acquire('owner-a', 50)).toEqual([]); // c1 is still owner-b's
      });

      it('commits history and outbox of a job removed while it ran, and it stays removed', async () => {
        await store.addJob(makeJob('c1', 1));
        const [job] = await acquire('owner-a', 1);
        await store.removeJob('c1');
        const result = await store.completeRuns('owner-a', [
          completion(job, [run(1)], [event('c1', 1, 'x')], 11),
        ]);
        expect(result.leaseLost).toEqual([]);
        expect(await store.getJob('c1')).toBeNull();
        expect(await store.getRunHistory('c1', 10)).toHaveLength(1);
        expect(await store.countUnsent()).toBe(1);
      });

      it('keeps a change made while the job ran, still committing history and outbox', async () => {
        await store.addJobs([makeJob('c1', 1), makeJob('c2', 1)]);
        const [j1, j2] = await acquire('owner-a', 1);
        await store.updateJob({ ...j1, nextRunTime: at(500), name: 'rescheduled' });
        await store.updateJob({ ...j2, nextRunTime: null, paused: true });
        const result = await store.completeRuns('owner-a', [
          completion(j1, [run(1)], [event('c1', 1, 'x')], 11),
          completion(j2, [run(1)], [event('c2', 1, 'x')], null),
        ]);
        expect(result.leaseLost).toEqual([]);
        expect((await store.getJob('c1'))?.nextRunTime).toEqual(at(500));
        expect(await store.getJob('c2')).toMatchObject({ paused: true, nextRunTime: null });
        expect(await store.getRunHistory('c1', 10)).toHaveLength(1);
        expect(await store.countUnsent()).toBe(2);
        expect(ids(await acquire('owner-b', 500))).toEqual(['c1']); // lease released
      });

      it('skips outbox events whose id is already stored', async () => {
        await store.addJob(makeJob('c1', 1));
        const [job] = await acquire('owner-a', 1);
        const ev = event('c1', 1, 'x');
        await store.append([ev]);
        await store.completeRuns('owner-a', [completion(job, [run(1)], [ev, event('c1', 1, 'y')], 11)]);
        await store.append([ev]);
        expect((await store.fetchUnsent(10)).map((e) => e.eventId)).toEqual([
          ev.eventId,
          event('c1', 1, 'y').eventId,
        ]);
      });
    });

    describe('leases', () => {
      it('releases leases so the jobs are due again at once; only the owner can release', async () => {
        await store.addJobs([makeJob('l1', 1), makeJob('l2', 1)]);
        await acquire('owner-a', 1);
        await store.releaseJobs('owner-b', ['l1', 'l2']);
        expect(await acquire('owner-b', 2)).toEqual([]);
        await store.releaseJobs('owner-a', ['l1']);
        expect(await store.getNextRunTime()).toEqual(at(1));
        expect(ids(await acquire('owner-b', 2))).toEqual(['l1']);
      });

      it('extends the leases of the owner only', async () => {
        await store.addJobs([makeJob('l1', 1), makeJob('l2', 1)]);
        await acquire('owner-a', 1, 10, 30);
        await store.extendLeases('owner-a', ['l1'], at(100));
        await store.extendLeases('owner-b', ['l2'], at(100));
        expect(ids(await acquire('owner-b', 50, 10, 100))).toEqual(['l2']);
        expect(ids(await acquire('owner-b', 101))).toEqual(['l1']);
      });
    });

    describe('retries and dead runs', () => {
      const retryAt = (scheduled: number, attempt: number, due: number) => ({
        scheduledAt: at(scheduled),
        attempt,
        dueAt: at(due),
      });

      it('stores pending retries with the job and brings the job back when one is due', async () => {
        await store.addJob(makeJob('r1', 1, { retry: { maxAttempts: 3 } }));
        const [job] = await acquire('owner-a', 1);
        const retryState = { scheduleNext: at(11), runs: [retryAt(1, 2, 5)] };
        await store.completeRuns('owner-a', [
          { ...completion(job, [{ ...run(1, 'error'), attempt: 1 }], [], 5), retryState },
        ]);
        const stored = (await store.getJob('r1')) as Job;
        expect(stored.nextRunTime).toEqual(at(5));
        expect(stored.retryState).toEqual(retryState);
        expect(stored.retry).toEqual({ maxAttempts: 3 });
        const [again] = await acquire('owner-b', 5);
        expect(again.retryState).toEqual(retryState);
      });

      it('keeps a one-shot job while a retry waits, and lists, redrives and discards dead runs once', async () => {
        await store.addJob(makeJob('d1', 1, { trigger: { type: 'date', runDate: at(1).toISOString() } }));
        const [job] = await acquire('owner-a', 1);
        const dead = {
          jobId: 'd1',
          scheduledAt: at(1),
          attempts: 2,
          lastError: 'Error: down',
          handler: 'noop',
          deadAt: at(2),
          job: { ...job, retryState: null },
        };
        await store.completeRuns('owner-a', [
          { ...completion(job, [run(1, 'error')], [], null), deadRuns: [dead] },
        ]);
        expect(await store.getJob('d1')).toBeNull();
        const [listed] = await store.listDeadRuns({ limit: 10 });
        expect(listed).toMatchObject({
          jobId: 'd1',
          scheduledAt: at(1),
          attempts: 2,
          lastError: 'Error: down',
        });
        expect(await store.listDeadRuns({ jobId: 'other', limit: 10 })).toEqual([]);
        expect(await store.getDeadRun(listed.id)).toMatchObject({ id: listed.id, handler: 'noop' });
        expect(await store.getDeadRun('999999')).toBeNull();

        expect(await store.redriveDeadRun(listed.id, at(50))).toBe('redriven');
        expect(await store.redriveDeadRun(listed.id, at(50))).toBe('settled');
        expect(await store.discardDeadRun(listed.id, at(50))).toBe('settled');
        expect(await store.listDeadRuns({ limit: 10 })).toEqual([]);
        const back = (await store.getJob('d1')) as Job;
        expect(back.nextRunTime).toEqual(at(50));
        expect(back.retryState).toEqual({ scheduleNext: null, runs: [retryAt(1, 1, 50)] });
        expect(ids(await acquire('owner-b', 50))).toEqual(['d1']);
      });

      it('refuses to redrive while the job is running, and discards', async () => {
        await store.addJob(makeJob('d2', 1));
        const [job] = await acquire('owner-a', 1);
        const dead = {
          jobId: 'd2',
          scheduledAt: at(1),
          attempts: 1,
          lastError: 'x',
          handler: 'noop',
          deadAt: at(1),
          job,
        };
        await store.completeRuns('owner-a', [
          { ...completion(job, [run(1, 'error')], [], 11), deadRuns: [dead] },
        ]);
        const [listed] = await store.listDeadRuns({ jobId: 'd2', limit: 10 });
        await acquire('owner-a', 11);
        expect(await store.redriveDeadRun(listed.id, at(12))).toBe('busy');
        expect(await store.discardDeadRun(listed.id, at(12))).toBe('discarded');
        expect(await store.redriveDeadRun(listed.id, at(12))).toBe('settled');
      });
    });

    describe('run history', () => {
      it('lists runs of one job newest first, up to the limit, with every field', async () => {
        await store.addJobs([makeJob('h1', 1), makeJob('h2', 14)]);
        let [h1] = await acquire('owner-a', 1);
        await store.completeRuns('owner-a', [completion(h1, [run(1, 'missed'), run(2, 'error')], [], 12)]);
        [h1] = await acquire('owner-a', 12);
        const [h2] = await acquire('owner-b', 14);
        await store.completeRuns('owner-a', [
          completion(h1, [run(12, 'max_instances'), run(13, 'timeout')], [], 22),
        ]);
        await store.completeRuns('owner-b', [completion(h2, [run(14)], [], 24)]);
        const history = await store.getRunHistory('h1', 3);
        expect(history).toEqual([
          { ...run(13, 'timeout'), jobId: 'h1', owner: 'owner-a' },
          { ...run(12, 'max_instances'), jobId: 'h1', owner: 'owner-a' },
          { ...run(2, 'error'), jobId: 'h1', owner: 'owner-a' },
        ]);
        expect(await store.getRunHistory('h2', 10)).toEqual([{ ...run(14), jobId: 'h2', owner: 'owner-b' }]);
        expect(await store.getRunHistory('ghost', 10)).toEqual([]);
      });

      it('prunes by age in batches, oldest first, sparing the newest keepLast runs of live jobs only', async () => {
        await store.addJobs([makeJob('p1', 1), makeJob('p2', 1)]);
        let [p1, p2] = await acquire('owner-a', 1);
        await store.completeRuns('owner-a', [
          completion(p1, [run(1), run(2), run(3), run(4)], [], 50),
          completion(p2, [run(1), run(2), run(3)], [], 50),
        ]);
        [p1, p2] = await acquire('owner-a', 50);
        await store.completeRuns('owner-a', [completion(p1, [run(40)], [], 90), completion(p2, [], [], 90)]);
        await store.removeJob('p2');
        const before = at(30);
        // keepLast 2: p1 keeps runs 40 and 4 (the newest two); p2 is gone, so all its old runs go.
        expect(await store.pruneRunHistory(before, 2, 3)).toBe(3);
        expect(await store.pruneRunHistory(before, 2, 3)).toBe(3);
        expect(await store.pruneRunHistory(before, 2, 3)).toBe(0);
        expect((await store.getRunHistory('p1', 10)).map((r) => r.scheduledAt.getTime())).toEqual([
          at(40).getTime(),
          at(4).getTime(),
        ]);
        expect(await store.getRunHistory('p2', 10)).toEqual([]);
        // Nothing older than the cutoff is left to take, whatever keepLast says.
        expect(await store.pruneRunHistory(at(4), 0, 100)).toBe(0);
        expect(await store.pruneRunHistory(at(4.001), 0, 100)).toBe(1);
        expect(await store.pruneRunHistory(before, 0, 0)).toBe(0);
        expect(await store.getRunHistory('p1', 10)).toHaveLength(1);
      });
    });

    describe('outbox', () => {
      const events = [event('e1', 1, 'a', 't1'), event('e2', 2, 'b', 't2'), event('e3', 3, 'c', 't1')];

      it('gives unsent events oldest first with increasing ids, up to the limit', async () => {
        await store.append(events);
        const first = await store.fetchUnsent(2);
        expect(first.map((e) => e.eventId)).toEqual([events[0].eventId, events[1].eventId]);
        expect(first[0]).toMatchObject(events[0]);
        expect(first[0].createdAt).toBeInstanceOf(Date);
        expect(BigInt(first[0].id) < BigInt(first[1].id)).toBe(true);
        expect(await store.countUnsent()).toBe(3);
      });

      it('keeps a string value, a null key and headers as given', async () => {
        const raw: OutboxEvent = {
          eventId: eventIdFor('s', at(0), 'raw'),
          topic: 't',
          key: null,
          value: '{"pre":"serialized"}',
          headers: {},
        };
        await store.append([raw]);
        expect((await store.fetchUnsent(1))[0]).toMatchObject(raw);
      });

      it('marks events sent and prunes those sent before a time', async () => {
        await store.append(events);
        const all = await store.fetchUnsent(10);
        await store.markSent([all[0].id], at(10));
        await store.markSent([all[1].id], at(20));
        expect(await store.countUnsent()).toBe(1);
        expect((await store.fetchUnsent(10)).map((e) => e.eventId)).toEqual([events[2].eventId]);
        expect(await store.pruneSent(at(15))).toBe(1);
        expect(await store.pruneSent(at(15))).toBe(0);
        expect(await store.pruneSent(at(25))).toBe(1);
        expect(await store.countUnsent()).toBe(1);
      });

      it('leaves out events in flight and isolated topics, or reads one topic only, in id order', async () => {
        const more = [...events, event('e4', 4, 'd', 't3'), event('e5', 5, 'e', 't1')];
        await store.append(more);
        const all = await store.fetchUnsent(10);
        const eventIds = (list: { eventId: string }[]): string[] => list.map((e) => e.eventId);
        expect(eventIds(await store.fetchUnsent(10, { excludeIds: [all[0].id, all[3].id] }))).toEqual(
          eventIds([more[1], more[2], more[4]]),
        );
        expect(eventIds(await store.fetchUnsent(10, { excludeTopics: ['t1', 't3'] }))).toEqual(
          eventIds([more[1]]),
        );
        expect(eventIds(await store.fetchUnsent(2, { topic: 't1' }))).toEqual(eventIds([more[0], more[2]]));
        expect(eventIds(await store.fetchUnsent(10, { topic: 't1', excludeIds: [all[0].id] }))).toEqual(
          eventIds([more[2], more[4]]),
        );
      });

      it("reads only the given shards' events (outboxShard of the key; no key is shard 0), in id order", async () => {
        const keys = ['order-1', 'order-2', 'ü-ключ-🙂', 'job/with spaces', '', 'x'.repeat(300), null];
        const sharded = Array.from({ length: 40 }, (_, n) => ({
          ...event(`s${n}`, n, 'cancel'),
          key: keys[n % keys.length],
        }));
        await store.append(sharded);
        const shardOf = (e: OutboxEvent): number => outboxShard(e.key);
        const ids = (list: { eventId: string }[]): string[] => list.map((e) => e.eventId);
        for (const shards of [[shardOf(sharded[0])], [0, shardOf(sharded[2]), shardOf(sharded[5])], [0]]) {
          expect(ids(await store.fetchUnsent(100, { shards }))).toEqual(
            ids(sharded.filter((e) => shards.includes(shardOf(e)))),
          );
        }
        const every = [...ALL_OUTBOX_SHARDS];
        expect(ids(await store.fetchUnsent(100, { shards: every }))).toEqual(ids(sharded));
        expect(await store.fetchUnsent(100, { shards: [] })).toEqual([]);
        const first = await store.fetchUnsent(3, { shards: [shardOf(sharded[0])] });
        expect(
          ids(await store.fetchUnsent(2, { shards: [shardOf(sharded[0])], excludeIds: [first[0].id] })),
        ).toEqual(ids(first.slice(1)));
      });

      it('counts failed publishes, keeping the first failure time and the last error', async () => {
        await store.append(events);
        const [first] = await store.fetchUnsent(1);
        expect(first).toMatchObject({ attempts: 0, lastError: null, firstFailedAt: null });
        await store.recordPublishFailure([first.id], 'unknown topic', at(10));
        await store.recordPublishFailure([first.id], 'still unknown', at(20));
        const [again] = await store.fetchUnsent(1);
        expect(again).toMatchObject({ attempts: 2, lastError: 'still unknown', firstFailedAt: at(10) });
      });

      it('dead-letters events with their notices in one step, lists them newest first in pages, prunes them later', async () => {
        await store.append(events);
        const [e1, e2, e3] = await store.fetchUnsent(10);
        await store.recordPublishFailure([e1.id, e3.id], 'topic refused', at(10));
        const notice = (e: { eventId: string }, n: number): OutboxEvent => ({
          ...event(`dl${n}`, n, 'dead-letter', 'scheduler.dead-letter'),
          value: { deadEventId: e.eventId },
        });
        await store.deadLetter([e1.id], at(30), [notice(e1, 1)]);
        await store.deadLetter([e3.id], at(40), [notice(e3, 3)]);
        expect(await store.countUnsent()).toBe(3); // e2 and the two notices
        expect((await store.fetchUnsent(10)).map((e) => e.topic)).toEqual([
          e2.topic,
          'scheduler.dead-letter',
          'scheduler.dead-letter',
        ]);
        const firstPage = await store.listDeadLetters({ limit: 1 });
        expect(firstPage).toEqual([
          expect.objectContaining({
            eventId: e3.eventId,
            topic: e3.topic,
            attempts: 1,
            lastError: 'topic refused',
            deadAt: at(40),
          }),
        ]);
        const secondPage = await store.listDeadLetters({
          limit: 5,
          after: { deadAt: firstPage[0].deadAt, id: firstPage[0].id },
        });
        expect(secondPage.map((d) => d.eventId)).toEqual([e1.eventId]);
        expect(await store.pruneSent(at(35))).toBe(1);
        expect((await store.listDeadLetters({ limit: 5 })).map((d) => d.eventId)).toEqual([e3.eventId]);
      });
    });
  });
}
