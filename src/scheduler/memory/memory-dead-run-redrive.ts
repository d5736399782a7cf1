import { withRegularNext } from '../job-builder';
import type { Clock } from '../ports/clock';
import type { MemoryDeadRuns } from './memory-dead-runs';
import type { MemoryJobTable } from './memory-job-table';

/**
 * A dead run gets a new set of attempts, the first at `now` (JobStore.redriveDeadRun): as a retry
 * of its job, or of the job as it was when the run died if the job is gone since.
 */
export function redriveDeadRun(
  jobs: MemoryJobTable,
  deadRuns: MemoryDeadRuns,
  clock: Clock,
  id: string,
  now: Date,
): 'redriven' | 'settled' | 'missing' | 'busy' {
  const dead = deadRuns.get(id);
  if (!dead) return 'missing';
  if (dead.settledAs) return 'settled';
  // Leased by the store's clock (as acquires see it), not by the caller's `now`.
  if (jobs.isLeased(dead.jobId, clock.now().getTime())) return 'busy';
  const retry = { scheduledAt: dead.scheduledAt, attempt: 1, dueAt: now };
  const entry = jobs.get(dead.jobId);
  if (entry) {
    const { job } = entry;
    const scheduleNext = job.retryState ? job.retryState.scheduleNext : job.nextRunTime;
    const runs = [...(job.retryState?.runs ?? []), retry];
    jobs.replace(withRegularNext({ ...job, retryState: { scheduleNext, runs } }, scheduleNext));
  } else {
    jobs.insert({
      ...dead.job,
      paused: false,
      nextRunTime: now,
      retryState: { scheduleNext: null, runs: [retry] },
    });
  }
  deadRuns.settle(id, 'redriven', now);
  return 'redriven';
}

export function discardDeadRun(
  deadRuns: MemoryDeadRuns,
  id: string,
  now: Date,
): 'discarded' | 'settled' | 'missing' {
  const dead = deadRuns.get(id);
  if (!dead) return 'missing';
  if (dead.settledAs) return 'settled';
  deadRuns.settle(id, 'discarded', now);
  return 'discarded';
}
