import type { Job } from './job';
import type { JobListKey, JobListQuery } from './ports/job-store';

/** The list order of every store: next run time (null, i.e. none, last), then id. */
export function compareJobListKeys(a: JobListKey, b: JobListKey): number {
  const ta = a.nextRunTime?.getTime() ?? null;
  const tb = b.nextRunTime?.getTime() ?? null;
  if (ta !== tb) {
    if (ta === null) return 1;
    if (tb === null) return -1;
    return ta - tb;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The filters of a list query (not the keyset bound nor the limit). */
export function matchesJobListQuery(job: Job, query: JobListQuery): boolean {
  if (query.state === 'paused' && !job.paused) return false;
  if (query.state === 'scheduled' && job.paused) return false;
  if (query.triggerType !== undefined && job.trigger.type !== query.triggerType) return false;
  if (query.namePrefix !== undefined && !job.name.startsWith(query.namePrefix)) return false;
  return true;
}
