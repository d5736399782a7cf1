import type { Clock } from '../ports/clock';

/** setTimeout's delay is a signed 32-bit int; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The real clock. Timers are unref'd so a sleeping scheduler never keeps the process alive. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  setTimer(at: Date, callback: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      const delay = at.getTime() - Date.now();
      if (delay > MAX_TIMEOUT_MS) {
        handle = setTimeout(arm, MAX_TIMEOUT_MS);
      } else {
        handle = setTimeout(
          () => {
            if (!cancelled) callback();
          },
          Math.max(0, delay),
        );
      }
      handle.unref();
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }
}
