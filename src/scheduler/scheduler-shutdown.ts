import type { CompletionBatcher } from './completion-batcher';
import type { Executor } from './executor/executor';
import type { JobStore } from './ports/job-store';
import type { RunDispatcher } from './run-dispatcher';

export interface ShutdownParts {
  dispatcher: RunDispatcher;
  executors: ReadonlyMap<string, Executor>;
  batcher: CompletionBatcher;
  store: JobStore;
  owner: string;
  /** Records a failure and carries on: shutdown finishes whatever fails along the way. */
  fail(during: string, error: unknown): void;
}

/** Shutdown without waiting: aborts runs in flight; returns the jobs whose leases to give back. */
export function abandonInFlight(parts: ShutdownParts): string[] {
  const abandoned = parts.dispatcher.abandonUnfinished();
  for (const executor of parts.executors.values()) executor.abortAll();
  return abandoned;
}

/** Once the loop has stopped: commits what finished, releases abandoned leases, closes executors. */
export async function closeAfterLoop(parts: ShutdownParts, abandoned: string[]): Promise<void> {
  try {
    await parts.batcher.drain();
  } catch (error) {
    // Left uncommitted: the leases expire and the runs happen again on a live replica.
    parts.fail('shutdown', error);
    parts.batcher.dispose();
  }
  if (abandoned.length > 0) {
    try {
      await parts.store.releaseJobs(parts.owner, abandoned);
    } catch (error) {
      parts.fail('shutdown', error);
    }
  }
  for (const executor of parts.executors.values()) {
    try {
      await executor.close?.();
    } catch (error) {
      parts.fail('shutdown', error);
    }
  }
  parts.dispatcher.held.clear();
}
