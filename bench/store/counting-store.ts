import type { JobStore } from '../../src/scheduler/ports/job-store';

/** Counts the store's claim and completion transactions (calls that did work) for the report. */
export interface TxCounts {
  claims: number;
  emptyClaims: number;
  completions: number;
}

export function countTransactions<S extends JobStore>(store: S): { store: S; counts: TxCounts } {
  const counts: TxCounts = { claims: 0, emptyClaims: 0, completions: 0 };
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
    return complete(owner, completions);
  };
  return { store, counts };
}
