import { scrubSecrets } from '../app/logging/secret-scrubber';

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

/**
 * An error's message as messaging records and reports it (consumer status, stuck partitions,
 * outbox lastError, publish dead letters, log lines), with URL passwords and configured secrets hidden.
 */
export function describeError(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}
