import { ValidationError } from './errors';
import type { Job, JsonValue } from './job';
import { eventIdFor, type OutboxEvent } from './outbox';
import type { Executor } from './executor/executor';
import type { BatchedGuard, GuardBatch, RunGuard } from './ports/job-store';

/** A message a run asks to publish; it is committed with the run (outbox) and published later. */
export interface EmitMessage {
  topic: string;
  key?: string | null;
  value: JsonValue;
  headers?: Record<string, string>;
}

/** What an action handler gets for one run. */
export interface RunContext {
  /** A copy of the job as acquired for this run. */
  readonly job: Job;
  readonly jobId: string;
  /** The run time the schedule asked for (the basis of event ids). */
  readonly scheduledAt: Date;
  /** When the run actually started. */
  readonly firedAt: Date;
  readonly args: JsonValue | undefined;
  /** Aborted on timeout or on shutdown without wait. */
  readonly signal: AbortSignal;
  /**
   * Record an event to publish if this run succeeds. Its id is `eventIdFor(jobId, scheduledAt, kind)`,
   * the same on every re-run of this scheduled time, and is returned so it can go in the body.
   * One event per kind per run.
   */
  emit(kind: string, message: EmitMessage): string;
  /** The id `emit(kind, …)` gives (or gave) this run's event of that kind, to put in its body. */
  eventId(kind: string): string;
  /**
   * Make this run's effect conditional (guarded firing): `check` runs inside the transaction that
   * commits the run, after the lease was checked, with the store's transaction, so it can lock,
   * read and write domain rows there (MySQL: `sqlOf(tx)`; memory: a TransactionalMap). When it
   * returns false none of this run's events commit; the run is recorded either way. At most one
   * guard per run. Nothing ever waits on a lease to settle a domain decision: the domain's own
   * writers lock the same domain row, and whoever locks it first decides.
   *
   * `guard(batch, item)` is the same for many runs at once: the store calls `batch.check` once
   * per completion batch with the items of all its runs (see GuardBatch).
   */
  guard(check: RunGuard): void;
  guard<T>(batch: GuardBatch<T>, item: T): void;
}

/** A named action, registered with the scheduler (jobs name it; JSON, never code, is stored). */
export type ActionHandler = (context: RunContext) => void | Promise<void>;

/** A registered action: its code and the executor its runs go to. */
export interface RegisteredHandler {
  handler: ActionHandler;
  executor: Executor;
}

export interface HandlerOptions {
  /** Checks a job's args when it is added or its action changes; throws a ValidationError. */
  validateArgs?: (args: JsonValue | undefined) => void;
  /**
   * Name of the executor its runs go to (SchedulerOptions.executors; APScheduler's `executor`
   * job option, chosen here per handler). Default `'default'`.
   */
  executor?: string;
}

/** Builds a run's context and collects what it emits. */
export function createRunContext(
  job: Job,
  scheduledAt: Date,
  firedAt: Date,
  signal: AbortSignal,
): { context: RunContext; events: OutboxEvent[]; guard: () => RunGuard | BatchedGuard | null } {
  const events: OutboxEvent[] = [];
  const kinds = new Set<string>();
  const ids = new Map<string, string>();
  const idOf = (kind: string): string => {
    let id = ids.get(kind);
    if (id === undefined) {
      id = eventIdFor(job.id, scheduledAt, kind);
      ids.set(kind, id);
    }
    return id;
  };
  let guard: RunGuard | BatchedGuard | null = null;
  const context: RunContext = {
    job,
    jobId: job.id,
    scheduledAt,
    firedAt,
    args: job.action.args,
    signal,
    emit(kind, message) {
      if (typeof kind !== 'string' || kind === '')
        throw new ValidationError('kind', 'must be a non-empty string');
      // A second event of the same kind would get the same id and be dropped as a duplicate.
      if (kinds.has(kind)) throw new ValidationError('kind', `'${kind}' was already emitted by this run`);
      if (typeof message?.topic !== 'string' || message.topic === '')
        throw new ValidationError('topic', 'must be a non-empty string');
      kinds.add(kind);
      const eventId = idOf(kind);
      events.push({
        eventId,
        topic: message.topic,
        key: message.key ?? null,
        value: message.value,
        headers: { ...(message.headers ?? {}) },
      });
      return eventId;
    },
    eventId(kind) {
      if (typeof kind !== 'string' || kind === '')
        throw new ValidationError('kind', 'must be a non-empty string');
      return idOf(kind);
    },
    guard(check: RunGuard | GuardBatch<unknown>, item?: unknown) {
      const batched = typeof check === 'object' && check !== null && typeof check.check === 'function';
      if (typeof check !== 'function' && !batched)
        throw new ValidationError('guard', 'must be a function or a GuardBatch');
      if (guard !== null) throw new ValidationError('guard', 'this run already has a guard');
      guard = typeof check === 'function' ? check : { batch: check, item };
    },
  };
  return { context, events, guard: () => guard };
}
