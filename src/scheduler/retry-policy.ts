import { ValidationError } from './errors';
import type { RandomSource } from './triggers';

/**
 * What happens after a failed or timed-out attempt of a run (EventBridge Scheduler's retry policy):
 * it is attempted again after an exponential back-off, until `maxAttempts` attempts were made or
 * the run is older than `maxEventAgeSeconds`; then the run is dead.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number;
  backoff: {
    /** Delay before the second attempt. */
    initialSeconds: number;
    /** Each further delay is the previous one times this. */
    multiplier: number;
    /** No delay is longer than this. */
    maxSeconds: number;
    /** Fraction of each delay drawn at random (0 = exact; 0.2 = anywhere in [80 %, 100 %]). */
    jitter: number;
  };
  /** A run whose scheduled time is older than this is not attempted again. */
  maxEventAgeSeconds: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  backoff: Object.freeze({ initialSeconds: 10, multiplier: 2, maxSeconds: 600, jitter: 0.2 }),
  maxEventAgeSeconds: 86_400,
});

const MAX_ATTEMPTS_LIMIT = 185; // EventBridge Scheduler's bound
const MAX_EVENT_AGE_LIMIT = 7 * 86_400;

/** A partial policy (as a job or the service config gives it) completed from `base`, validated. */
export function resolveRetryPolicy(
  input: unknown,
  base: RetryPolicy = DEFAULT_RETRY_POLICY,
  field = 'retry',
): RetryPolicy {
  if (input === undefined || input === null) return base;
  if (typeof input !== 'object' || Array.isArray(input))
    throw new ValidationError(field, 'must be an object');
  const p = input as Record<string, unknown>;
  for (const key of Object.keys(p))
    if (!['maxAttempts', 'backoff', 'maxEventAgeSeconds'].includes(key))
      throw new ValidationError(`${field}.${key}`, 'is not a retry policy parameter');
  const b = (p.backoff ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new ValidationError(`${field}.backoff`, 'must be an object');
  for (const key of Object.keys(b))
    if (!['initialSeconds', 'multiplier', 'maxSeconds', 'jitter'].includes(key))
      throw new ValidationError(`${field}.backoff.${key}`, 'is not a back-off parameter');
  const policy: RetryPolicy = {
    maxAttempts: int(p.maxAttempts ?? base.maxAttempts, `${field}.maxAttempts`, 1, MAX_ATTEMPTS_LIMIT),
    backoff: {
      initialSeconds: num(
        b.initialSeconds ?? base.backoff.initialSeconds,
        `${field}.backoff.initialSeconds`,
        0,
        86_400,
      ),
      multiplier: num(b.multiplier ?? base.backoff.multiplier, `${field}.backoff.multiplier`, 1, 10),
      maxSeconds: num(b.maxSeconds ?? base.backoff.maxSeconds, `${field}.backoff.maxSeconds`, 0, 86_400),
      jitter: num(b.jitter ?? base.backoff.jitter, `${field}.backoff.jitter`, 0, 1),
    },
    maxEventAgeSeconds: int(
      p.maxEventAgeSeconds ?? base.maxEventAgeSeconds,
      `${field}.maxEventAgeSeconds`,
      1,
      MAX_EVENT_AGE_LIMIT,
    ),
  };
  if (policy.backoff.maxSeconds < policy.backoff.initialSeconds)
    throw new ValidationError(`${field}.backoff.maxSeconds`, 'must be at least initialSeconds');
  return policy;
}

/** Milliseconds to wait after failed attempt number `attempt` (1-based) before the next one. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: RandomSource = Math.random,
): number {
  const { initialSeconds, multiplier, maxSeconds, jitter } = policy.backoff;
  const exact = Math.min(maxSeconds, initialSeconds * multiplier ** Math.min(attempt - 1, 64)) * 1000;
  return Math.round(exact * (1 - jitter * random()));
}

/**
 * When failed attempt `attempt` of the run scheduled at `scheduledAt` is tried again, or null when
 * the run is dead: attempts used up, or the next attempt would start past the maximum event age.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  scheduledAt: Date,
  attempt: number,
  failedAt: Date,
  random?: RandomSource,
): Date | null {
  if (attempt >= policy.maxAttempts) return null;
  const at = failedAt.getTime() + retryDelayMs(policy, attempt, random);
  if (at - scheduledAt.getTime() > policy.maxEventAgeSeconds * 1000) return null;
  return new Date(at);
}

function num(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new ValidationError(field, `must be a number from ${min} to ${max}`);
  return v;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw new ValidationError(field, `must be an integer from ${min} to ${max}`);
  return v as number;
}
