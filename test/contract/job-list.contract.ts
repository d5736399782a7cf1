import type { Job } from '../../src/scheduler/job';
import type { JobListQuery, JobStore } from '../../src/scheduler/ports/job-store';
import type { TriggerSpec } from '../../src/scheduler/triggers/trigger';

type Build = (id: string, next: number | null, extra?: Partial<Job>) => Job;

const ids = (jobs: Job[]): string[] => jobs.map((j) => j.id);
const cron: TriggerSpec = { type: 'cron', expr: '*/5 * * * *' };
const date: TriggerSpec = { type: 'date', runDate: '2030-06-01T12:00:00.000Z' };

/** Every page of a query, `limit` at a time, each page starting after the last job of the one before. */
async function walk(store: JobStore, query: Omit<JobListQuery, 'limit' | 'after'>, limit: number) {
  const pages: string[][] = [];
  let after: JobListQuery['after'];
  for (;;) {
    const page = await store.listJobs({ ...query, after, limit });
    expect(page.length).toBeLessThanOrEqual(limit);
    if (page.length === 0) return pages;
    pages.push(ids(page));
    const last = page[page.length - 1];
    after = { nextRunTime: last.nextRunTime, id: last.id };
    expect(pages.length).toBeLessThan(100);
  }
}

/**
 * listJobs, part of the JobStore contract (called from describeJobStoreContract). `store()` is the
 * current test's store; `makeJob` builds a job due `next` seconds after the suite's base time.
 */
export function describeJobListContract(store: () => JobStore, makeJob: Build): void {
  describe('listing jobs in pages', () => {
    // Two times with ties, paused jobs (no next run time; one odd paused job that keeps one), an
    // unpaused job without a next run time, three trigger types, names with LIKE's wildcards.
    const fixture = (): Job[] => [
      makeJob('t05-b', 5, { name: 'order 1' }),
      makeJob('t05-a', 5, { name: 'order 2', trigger: date }),
      makeJob('t09', 9, { name: 'Order 3', trigger: date }),
      makeJob('t07', 7, { name: 'report_%', trigger: cron }),
      makeJob('t07-z', 7, { name: 'reportX%', trigger: date }),
      makeJob('p-b', null, { name: 'order 4', paused: true, trigger: date }),
      makeJob('p-a', null, { name: 'report_% paused', paused: true, trigger: cron }),
      makeJob('p-odd', 6, { name: 'order 5', paused: true, trigger: date }),
      makeJob('u-null', null, { name: 'order 6', trigger: date }),
    ];
    const all = ['t05-a', 't05-b', 'p-odd', 't07', 't07-z', 't09', 'p-a', 'p-b', 'u-null'];

    beforeEach(async () => {
      await store().addJobs(fixture());
    });

    it('gives every job in the getJobs order, whatever the page size', async () => {
      expect(ids(await store().getJobs())).toEqual(all);
      for (const limit of [1, 2, 4, 9, 500]) {
        const pages = await walk(store(), {}, limit);
        expect(pages.flat()).toEqual(all);
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
      }
    });

    it('filters by state: scheduled = not paused (with or without a next run time), paused = paused', async () => {
      const scheduled = ['t05-a', 't05-b', 't07', 't07-z', 't09', 'u-null'];
      expect((await walk(store(), { state: 'scheduled' }, 2)).flat()).toEqual(scheduled);
      expect((await walk(store(), { state: 'paused' }, 2)).flat()).toEqual(['p-odd', 'p-a', 'p-b']);
    });

    it('filters by trigger type, alone and with a state, across pages', async () => {
      const dates = ['t05-a', 'p-odd', 't07-z', 't09', 'p-b', 'u-null'];
      expect((await walk(store(), { triggerType: 'date' }, 2)).flat()).toEqual(dates);
      expect((await walk(store(), { triggerType: 'date', state: 'paused' }, 1)).flat()).toEqual([
        'p-odd',
        'p-b',
      ]);
      expect((await walk(store(), { triggerType: 'date', state: 'scheduled' }, 3)).flat()).toEqual([
        't05-a',
        't07-z',
        't09',
        'u-null',
      ]);
      expect((await walk(store(), { triggerType: 'cron' }, 5)).flat()).toEqual(['t07', 'p-a']);
      expect(await store().listJobs({ triggerType: 'calendarinterval', limit: 10 })).toEqual([]);
    });

    it('filters by a case-sensitive, literal name prefix (% and _ are not wildcards)', async () => {
      expect((await walk(store(), { namePrefix: 'order ' }, 2)).flat()).toEqual([
        't05-a',
        't05-b',
        'p-odd',
        'p-b',
        'u-null',
      ]);
      expect((await walk(store(), { namePrefix: 'report_%' }, 1)).flat()).toEqual(['t07', 'p-a']);
      expect((await walk(store(), { namePrefix: 'report_%', state: 'scheduled' }, 1)).flat()).toEqual([
        't07',
      ]);
      expect(await store().listJobs({ namePrefix: 'ORDER', limit: 10 })).toEqual([]);
    });

    it('returns whole jobs equal to getJob, and nothing for limit 0 or past the end', async () => {
      const [first] = await store().listJobs({ limit: 1 });
      expect(first).toEqual(await store().getJob('t05-a'));
      expect(await store().listJobs({ limit: 0 })).toEqual([]);
      const end = { nextRunTime: null, id: 'u-null' };
      expect(await store().listJobs({ after: end, limit: 10 })).toEqual([]);
    });

    it('resumes after a key whatever happened to its job: removed, moved, or never stored', async () => {
      const page = await store().listJobs({ limit: 3 });
      expect(ids(page)).toEqual(['t05-a', 't05-b', 'p-odd']);
      const after = { nextRunTime: page[2].nextRunTime, id: 'p-odd' };
      await store().removeJob('p-odd');
      await store().removeJob('t07');
      expect(ids(await store().listJobs({ after, limit: 2 }))).toEqual(['t07-z', 't09']);
      // A key between existing ones (same time, id in between; a time no job has).
      expect(
        ids(await store().listJobs({ after: { nextRunTime: page[0].nextRunTime, id: 't05-a0' }, limit: 1 })),
      ).toEqual(['t05-b']);
      const t8 = new Date((page[0].nextRunTime as Date).getTime() + 3000);
      expect(ids(await store().listJobs({ after: { nextRunTime: t8, id: '' }, limit: 9 }))).toEqual([
        't09',
        'p-a',
        'p-b',
        'u-null',
      ]);
      expect(ids(await store().listJobs({ after: { nextRunTime: null, id: 'p-a' }, limit: 9 }))).toEqual([
        'p-b',
        'u-null',
      ]);
    });
  });
}
