import fc from 'fast-check';

import { ValidationError } from '../../../src/scheduler';
import {
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  resolveRetryPolicy,
  retryDelayMs,
  type RetryPolicy,
} from '../../../src/scheduler/retry-policy';

const T0 = new Date('2030-01-01T00:00:00Z');
const exact: RetryPolicy = {
  maxAttempts: 6,
  backoff: { initialSeconds: 1, multiplier: 3, maxSeconds: 20, jitter: 0 },
  maxEventAgeSeconds: 3600,
};

describe('retry policy', () => {
  it('grows the delay by the multiplier up to the maximum', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(exact, a))).toEqual([1000, 3000, 9000, 20000, 20000]);
  });

  it('jitter only shortens a delay, by at most its fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (attempt, r) => {
          const policy = { ...exact, backoff: { ...exact.backoff, jitter: 0.2 } };
          const d = retryDelayMs(policy, attempt, () => r);
          const full = retryDelayMs(exact, attempt);
          expect(d).toBeLessThanOrEqual(full);
          expect(d).toBeGreaterThanOrEqual(Math.floor(full * 0.8));
        },
      ),
    );
  });

  it('ends after maxAttempts attempts', () => {
    expect(nextAttemptAt(exact, T0, 5, T0)).toEqual(new Date(T0.getTime() + 20_000));
    expect(nextAttemptAt(exact, T0, 6, T0)).toBeNull();
  });

  it('ends when the next attempt would start past the maximum event age', () => {
    const policy = { ...exact, maxEventAgeSeconds: 10 };
    expect(nextAttemptAt(policy, T0, 1, new Date(T0.getTime() + 8_000))).toEqual(
      new Date(T0.getTime() + 9_000),
    );
    expect(nextAttemptAt(policy, T0, 1, new Date(T0.getTime() + 9_500))).toBeNull();
  });

  it('completes a partial policy from the default', () => {
    expect(resolveRetryPolicy({ maxAttempts: 2, backoff: { jitter: 0 } })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 2,
      backoff: { ...DEFAULT_RETRY_POLICY.backoff, jitter: 0 },
    });
    expect(resolveRetryPolicy(undefined)).toBe(DEFAULT_RETRY_POLICY);
  });

  it.each<[unknown, string]>([
    [[], 'retry'],
    [{ maxAttempts: 0 }, 'retry.maxAttempts'],
    [{ maxAttempts: 186 }, 'retry.maxAttempts'],
    [{ maxAttempts: 1.5 }, 'retry.maxAttempts'],
    [{ attempts: 3 }, 'retry.attempts'],
    [{ backoff: { initialSeconds: -1 } }, 'retry.backoff.initialSeconds'],
    [{ backoff: { multiplier: 0.5 } }, 'retry.backoff.multiplier'],
    [{ backoff: { jitter: 2 } }, 'retry.backoff.jitter'],
    [{ backoff: { initialSeconds: 100, maxSeconds: 10 } }, 'retry.backoff.maxSeconds'],
    [{ backoff: { delay: 1 } }, 'retry.backoff.delay'],
    [{ maxEventAgeSeconds: 0 }, 'retry.maxEventAgeSeconds'],
  ])('refuses %j naming %s', (input, field) => {
    let caught: unknown;
    try {
      resolveRetryPolicy(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
  });
});
