import { hostname } from 'node:os';

import { v4 as uuidv4 } from 'uuid';

import { type ErrorTextScrubber, hideUrlCredentials } from './error-text';
import { ValidationError } from './errors';
import type { RetryPolicyInput } from './job';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, type RetryPolicy } from './retry-policy';
import type { Clock } from './ports/clock';
import type { JobStore } from './ports/job-store';
import type { SchedulerStateStore } from './ports/scheduler-state';
import { MemorySchedulerState } from './memory/memory-scheduler-state';
import type { RandomSource } from './triggers';
import { SystemClock } from './clocks/system-clock';
import type { Executor } from './executor/executor';
import { DEFAULT_MAX_ACTION_BYTES } from './job-builder';

export interface SchedulerOptions {
  store: JobStore;
  /** Default: the system clock. */
  clock?: Clock;
  /** This replica's id, the lease owner. Default: hostname, pid and a random suffix. */
  owner?: string;
  /** How long an acquired job stays leased; extended while its runs last. Default 30 s. */
  leaseMs?: number;
  /** Most jobs acquired per store call and completions per commit. Default 100. */
  batchSize?: number;
  /** Runs executing at once (the in-process executor's slots). Default 10. */
  maxConcurrency?: number;
  /** Per run; null = none. Default 5 min. */
  runTimeoutMs?: number | null;
  /** Longest sleep between looks at the store, since other replicas add jobs too. Default 1 s. */
  maxPollMs?: number;
  /**
   * Shortest time from a look that claimed jobs (but not all that were due) to the next: jobs
   * falling due within it are claimed, run and committed together, so a steady stream costs one
   * claim and one commit per window instead of per few jobs, for up to this much added lateness.
   * After a look that claimed nothing the loop wakes at the next run time exactly; a full claim,
   * a local change or freed capacity still looks at once. Default 0.
   */
  minPollMs?: number;
  /** First back-off after a store failure, doubling up to `maxBackoffMs`. Defaults 250 ms, 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Uniform randoms in [0, 1) for trigger jitter. Default Math.random. */
  random?: RandomSource;
  /** Largest action (handler and args) a job may carry, as JSON in UTF-8 bytes. Default 1 MiB. */
  maxActionBytes?: number;
  /**
   * Where the scheduler-wide pause flag lives (shared by every replica). Default: in this
   * process only (MemorySchedulerState); pass the store adapter's for a cluster.
   */
  state?: SchedulerStateStore;
  /** Replace the in-process executor (it then owns concurrency and timeouts). */
  executor?: Executor;
  /**
   * More executors by name (APScheduler's `executors`), for handlers registered with
   * `{ executor: name }`: e.g. a WorkerPoolExecutor for CPU-bound worker modules. `default`
   * here replaces the in-process one, like `executor`.
   */
  executors?: Record<string, Executor>;
  /**
   * Retry policy of jobs without their own, completed from DEFAULT_RETRY_POLICY. Default: one
   * attempt (a failed run is dead at once, as APScheduler runs a job once); the service sets more.
   */
  retryPolicy?: RetryPolicyInput;
  /** Topic a dead run is announced on, through the outbox. Default null: not announced. */
  deadLetterTopic?: string | null;
  /**
   * Rewrites each error text the engine records or publishes (run history, dead runs, the
   * dead-letter event), e.g. to hide secrets. Default: hides URL passwords (hideUrlCredentials).
   */
  scrubErrorText?: ErrorTextScrubber;
}

export type ResolvedSchedulerOptions = Required<
  Omit<SchedulerOptions, 'executor' | 'executors' | 'retryPolicy' | 'deadLetterTopic' | 'scrubErrorText'>
> & {
  executor?: Executor;
  executors: Record<string, Executor>;
  retryPolicy: RetryPolicy;
  deadLetterTopic: string | null;
  scrubErrorText: ErrorTextScrubber;
};

export function resolveSchedulerOptions(options: SchedulerOptions): ResolvedSchedulerOptions {
  const resolved: ResolvedSchedulerOptions = {
    store: options.store,
    clock: options.clock ?? new SystemClock(),
    owner: options.owner ?? `${hostname()}-${process.pid}-${uuidv4().slice(0, 8)}`,
    leaseMs: options.leaseMs ?? 30_000,
    batchSize: options.batchSize ?? 100,
    maxConcurrency: options.maxConcurrency ?? 10,
    runTimeoutMs: options.runTimeoutMs === undefined ? 300_000 : options.runTimeoutMs,
    maxPollMs: options.maxPollMs ?? 1_000,
    minPollMs: options.minPollMs ?? 0,
    backoffMs: options.backoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    random: options.random ?? Math.random,
    maxActionBytes: options.maxActionBytes ?? DEFAULT_MAX_ACTION_BYTES,
    executor: options.executor ?? options.executors?.default,
    executors: { ...(options.executors ?? {}) },
    retryPolicy: resolveRetryPolicy(
      options.retryPolicy ?? { maxAttempts: 1 },
      DEFAULT_RETRY_POLICY,
      'retryPolicy',
    ),
    deadLetterTopic: options.deadLetterTopic ?? null,
    scrubErrorText: options.scrubErrorText ?? hideUrlCredentials,
    state: options.state ?? new MemorySchedulerState(),
  };
  if (!resolved.store) throw new ValidationError('store', 'a job store is required');
  const positive: (keyof ResolvedSchedulerOptions)[] = [
    'leaseMs',
    'maxPollMs',
    'backoffMs',
    'maxBackoffMs',
    'maxActionBytes',
  ];
  for (const key of positive) {
    const value = resolved[key];
    if (typeof value !== 'number' || !(value > 0)) throw new ValidationError(key, 'must be a number > 0');
  }
  if (!(resolved.minPollMs >= 0 && resolved.minPollMs <= resolved.maxPollMs))
    throw new ValidationError('minPollMs', 'must be a number from 0 to maxPollMs');
  for (const key of ['batchSize', 'maxConcurrency'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new ValidationError(key, 'must be an integer >= 1');
  }
  if (options.executor && options.executors?.default)
    throw new ValidationError('executors.default', 'is given twice (as executor and executors.default)');
  for (const [name, executor] of Object.entries(resolved.executors)) {
    if (executor === null || typeof executor !== 'object' || typeof executor.submit !== 'function')
      throw new ValidationError(`executors.${name}`, 'must be an Executor');
    if (name === 'default' && executor.modulesOnly)
      throw new ValidationError('executors.default', 'must run function handlers (not modulesOnly)');
  }
  if (typeof resolved.scrubErrorText !== 'function')
    throw new ValidationError('scrubErrorText', 'must be a function (text) => text');
  if (typeof resolved.owner !== 'string' || resolved.owner === '')
    throw new ValidationError('owner', 'must be a non-empty string');
  return resolved;
}
