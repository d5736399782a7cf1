/**
 * Every error the engine throws is one of these classes, told apart by a stable `code`
 * (never by message), so adapters can map them to HTTP statuses or dead-letter reasons.
 */
export abstract class SchedulerError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a trigger field, a zone, a job option. `field` names what was wrong (dotted path). */
export class ValidationError extends SchedulerError {
  readonly code = 'VALIDATION_FAILED';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A job with this id already exists and `replaceExisting` was not set. */
export class ConflictingIdError extends SchedulerError {
  readonly code = 'JOB_CONFLICT';

  constructor(readonly jobId: string) {
    super(`job '${jobId}' already exists`);
  }
}

/** No job with this id. */
export class JobLookupError extends SchedulerError {
  readonly code = 'JOB_NOT_FOUND';

  constructor(readonly jobId: string) {
    super(`no job with id '${jobId}'`);
  }
}

/** The job names an action handler nobody registered. */
export class UnknownHandlerError extends SchedulerError {
  readonly code = 'UNKNOWN_HANDLER';

  constructor(readonly handler: string) {
    super(`no action handler registered as '${handler}'`);
  }
}

/** The scheduler is not running (or already shut down) and cannot do what was asked. */
export class SchedulerNotRunningError extends SchedulerError {
  readonly code = 'SCHEDULER_NOT_RUNNING';

  constructor(message = 'the scheduler is not running') {
    super(message);
  }
}

/** `start()` on a scheduler that is already running. */
export class SchedulerAlreadyRunningError extends SchedulerError {
  readonly code = 'SCHEDULER_ALREADY_RUNNING';

  constructor() {
    super('the scheduler is already running');
  }
}

/** A lease was lost: another replica reclaimed the job, so this replica's completion is void. */
export class LeaseLostError extends SchedulerError {
  readonly code = 'LEASE_LOST';

  constructor(readonly jobId: string) {
    super(`lease on job '${jobId}' was lost before its run completed`);
  }
}

/** The store could not be reached or failed in a way worth retrying (connection lost, deadlock). */
export class StoreUnavailableError extends SchedulerError {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A run outlived `runTimeoutMs`; its handler's signal is aborted with this reason. */
export class RunTimeoutError extends SchedulerError {
  readonly code = 'RUN_TIMEOUT';

  constructor(readonly timeoutMs: number) {
    super(`the run did not finish within ${timeoutMs} ms`);
  }
}

/** A run was abandoned by `shutdown({ wait: false })`; its handler's signal is aborted with this reason. */
export class RunAbortedError extends SchedulerError {
  readonly code = 'RUN_ABORTED';

  constructor() {
    super('the run was aborted by a shutdown that did not wait');
  }
}

/**
 * An action handler's failure that says whether trying again can help. A retry policy re-attempts
 * a run whose error is not an ActionError, or is one with `retryable` true; `retryable` false ends
 * the run at once (e.g. an HTTP 404 from the target).
 */
export class ActionError extends SchedulerError {
  readonly code: string = 'ACTION_FAILED';

  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** False only for an error a handler marked as permanent (ActionError with retryable false). */
export function isRetryableFailure(error: unknown): boolean {
  return !(error instanceof ActionError) || error.retryable;
}

/** A unit of work's `tx` was used after its transaction ended (kept past its callback). */
export class TransactionClosedError extends SchedulerError {
  readonly code = 'TRANSACTION_CLOSED';

  constructor() {
    super('the transaction is over: use its tx only inside the unit of work');
  }
}

/**
 * A unit of work kept meeting a concurrent writer of the same keys (the store re-ran it each
 * time); the caller may retry later.
 */
export class TransactionConflictError extends SchedulerError {
  readonly code = 'TRANSACTION_CONFLICT';

  constructor(
    readonly attempts: number,
    override readonly cause?: unknown,
  ) {
    super(`a concurrent writer of the same rows won ${attempts} times; the unit of work was rolled back`);
  }
}

/** No dead run with this id (or it was already redriven or discarded: `settled`). */
export class DeadRunLookupError extends SchedulerError {
  readonly code = 'DEAD_RUN_NOT_FOUND';

  constructor(readonly deadRunId: string) {
    super(`no dead run with id '${deadRunId}'`);
  }
}

/** A dead run cannot be redriven or discarded now: it already was, or its job is running. */
export class DeadRunConflictError extends SchedulerError {
  readonly code = 'DEAD_RUN_CONFLICT';

  constructor(
    readonly deadRunId: string,
    readonly reason: 'settled' | 'busy',
  ) {
    super(
      reason === 'settled'
        ? `dead run '${deadRunId}' was already redriven or discarded`
        : `the job of dead run '${deadRunId}' is running now; retry when it has finished`,
    );
  }
}
