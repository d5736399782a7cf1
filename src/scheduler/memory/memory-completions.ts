import { withRegularNext } from '../job-builder';
import type { CompleteResult, RunCompletion } from '../ports/job-store';
import { cloneRetryState } from './clone';
import type { MemoryDeadRuns } from './memory-dead-runs';
import type { MemoryJobTable } from './memory-job-table';
import type { MemoryOutbox } from './memory-outbox';
import type { MemoryRunHistory } from './memory-run-history';
import type { MemoryTransaction } from './memory-transaction';

/** The memory store's tables a completion writes to. */
export interface CompletionTables {
  jobs: MemoryJobTable;
  history: MemoryRunHistory;
  outbox: MemoryOutbox;
  deadRuns: MemoryDeadRuns;
}

/** Another owner holds the job now (a release after a change made while it ran is not a loss). */
export function leaseLost(jobs: MemoryJobTable, owner: string, c: RunCompletion): boolean {
  const entry = jobs.get(c.jobId);
  const changed = entry !== undefined && entry.job.version !== c.version;
  return entry !== undefined && entry.leaseOwner !== owner && !(entry.leaseOwner === null && changed);
}

/** Synchronous: each completion (and the whole batch) is atomic. */
export function applyCompletions(
  t: CompletionTables,
  owner: string,
  completions: RunCompletion[],
  guarded: Map<RunCompletion, MemoryTransaction>,
  createdAt: Date,
): CompleteResult {
  const leaseLostIds: string[] = [];
  for (const c of completions) {
    if (leaseLost(t.jobs, owner, c)) {
      leaseLostIds.push(c.jobId);
      continue;
    }
    const entry = t.jobs.get(c.jobId);
    const changed = entry !== undefined && entry.job.version !== c.version;
    for (const run of c.runs) t.history.append({ ...run, attempt: run.attempt ?? 1, jobId: c.jobId, owner });
    t.outbox.append(c.events, createdAt);
    t.deadRuns.add(c.deadRuns ?? []);
    guarded.get(c)?.commit();
    // Removed while it ran: history and events stay committed, nothing else to do.
    if (!entry) continue;
    if (!changed) {
      if (c.nextRunTime === null && !entry.job.paused) {
        t.jobs.delete(c.jobId);
        continue;
      }
      entry.job.nextRunTime = c.nextRunTime === null ? null : new Date(c.nextRunTime.getTime());
      entry.job.retryState = cloneRetryState(c.retryState);
    } else if (c.retryState) {
      // The change wins for the schedule; the failed runs still get their next attempts.
      const scheduleNext = entry.job.retryState ? entry.job.retryState.scheduleNext : entry.job.nextRunTime;
      entry.job = withRegularNext({ ...entry.job, retryState: cloneRetryState(c.retryState) }, scheduleNext);
    }
    if (entry.leaseOwner === owner) t.jobs.release(entry);
  }
  t.jobs.compactIfNeeded();
  return { leaseLost: leaseLostIds };
}
