import type { JobStore } from '../../src/scheduler/ports/job-store';

/**
 * Counts the store's claim and completion transactions (calls that did work) for the report, and
 * the runs committed: the benchmark waits on that count in process, where polling COUNT(*) of the
 * history table every 25 ms would load the very database being measured.
 */
export interface TxCounts {
  claims: number;
  emptyClaims: number;
  completions: number;
  committedRuns: number;
}

export function countTransactions<S extends JobStore>(store: S): { store: S; counts: TxCounts } {
  const counts: TxCounts = { claims: 0, emptyClaims: 0, completions: 0, committedRuns: 0 };
  const acquire = store.acquireDueJobs.bind(store);
  const complete = store.completeRuns.bind(store);
  store.acquireDueJobs = async (request) => {
    const jobs = await acquire(request);
    if (jobs.length > 0) counts.claims++;
    else counts.emptyClaims++;
    return jobs;
  };
  store.completeRuns = async (owner, completions) => {
    counts.completions++;
    const result = await complete(owner, completions);
    const lost = new Set(result.leaseLost);
    for (const c of completions) if (!lost.has(c.jobId)) counts.committedRuns += c.runs.length;
    return result;
  };
  return { store, counts };
}
