/** Waits `ms`, or less if `signal` aborts (never rejects): retry loops must not delay shutdown. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
