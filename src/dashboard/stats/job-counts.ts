import type { Job } from '../../scheduler';
import type { JobCounts } from './stats-views';

export type { JobCounts };

/** Read-only counts over the job store; MySQL: src/persistence/job-counts-sql.ts. */
export interface JobCountsReader {
  counts(now: Date): Promise<JobCounts>;
}

export const JOB_COUNTS_READER = Symbol('JOB_COUNTS_READER');

/** The memory store's counts: one pass over its jobs (embedded mode holds few). */
export class MemoryJobCounts implements JobCountsReader {
  constructor(private readonly jobs: () => Promise<Job[]>) {}

  async counts(now: Date): Promise<JobCounts> {
    const rows: Array<{ triggerType: string; paused: boolean; due: boolean }> = (await this.jobs()).map(
      (job) => ({
        triggerType: String((job.trigger as { type?: unknown }).type ?? 'unknown'),
        paused: job.paused,
        due: !job.paused && job.nextRunTime !== null && job.nextRunTime.getTime() <= now.getTime(),
      }),
    );
    return summarize(
      rows.map((r) => ({ triggerType: r.triggerType, paused: r.paused, n: 1 })),
      rows.filter((r) => r.due).length,
    );
  }
}

export function summarize(
  groups: Array<{ triggerType: string; paused: boolean; n: number }>,
  due: number,
): JobCounts {
  const types = new Map<string, { triggerType: string; scheduled: number; paused: number }>();
  let scheduled = 0;
  let paused = 0;
  for (const g of groups) {
    let t = types.get(g.triggerType);
    if (!t) types.set(g.triggerType, (t = { triggerType: g.triggerType, scheduled: 0, paused: 0 }));
    if (g.paused) {
      t.paused += g.n;
      paused += g.n;
    } else {
      t.scheduled += g.n;
      scheduled += g.n;
    }
  }
  return {
    scheduled,
    paused,
    byTriggerType: [...types.values()].sort((a, b) => a.triggerType.localeCompare(b.triggerType)),
    due,
  };
}
