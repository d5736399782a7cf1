/** How long to keep retrying an item whose job is being fired, before giving the batch back. */
export interface BusyRetryOptions {
  baseMs: number;
  maxMs: number;
  /** Then the caller throws a retryable error and the consumer redelivers the batch later. */
  maxWaitMs: number;
}

export const DEFAULT_BUSY_RETRY: BusyRetryOptions = { baseMs: 5, maxMs: 200, maxWaitMs: 10_000 };

/**
 * Runs `attempt` over the items in order; items it reports busy are tried again (in order) after a
 * growing delay, until none is busy or `maxWaitMs` has passed. Returns the items still busy.
 * The delay is real time on purpose: it waits for another transaction to commit, not for business time.
 */
export async function settleWhileBusy<T>(
  items: T[],
  attempt: (item: T) => Promise<'busy' | 'done'>,
  options: BusyRetryOptions = DEFAULT_BUSY_RETRY,
): Promise<T[]> {
  const deadline = Date.now() + options.maxWaitMs;
  let pending = items;
  for (let round = 0; pending.length > 0; round++) {
    const busy: T[] = [];
    for (const item of pending) if ((await attempt(item)) === 'busy') busy.push(item);
    pending = busy;
    if (pending.length === 0 || Date.now() >= deadline) break;
    const delay = Math.min(options.maxMs, options.baseMs * 2 ** round);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return pending;
}
