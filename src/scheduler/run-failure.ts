import { isRetryableFailure } from './errors';
import type { SchedulerEventMap, TypedEmitter } from './events';
import type { HeldJob } from './held-job';
import type { Job } from './job';
import { cloneJob } from './memory/clone';
import { eventIdFor, type OutboxEvent } from './outbox';
import { nextAttemptAt, resolveRetryPolicy, type RetryPolicy } from './retry-policy';
import type { RandomSource } from './triggers';

/** A job keeps at most this many failed runs waiting; a run failing beyond that is dead at once. */
const MAX_PENDING_RETRIES = 100;
const DEAD_LETTER_EVENT_KIND = 'dead-letter';

export interface RunFailureDeps {
  emitter: TypedEmitter<SchedulerEventMap>;
  random: RandomSource;
  /** The policy of jobs without their own (a job's own is completed from it). */
  retryPolicy: RetryPolicy;
  /** Where a dead run is announced (DESIGN.md section 6); null: nowhere. */
  deadLetterTopic: string | null;
}

export interface RunFailure {
  scheduledAt: Date;
  attempt: number;
  failedAt: Date;
  cause: unknown;
  /** The cause as recorded (describeError). */
  error: string;
}

/** Another attempt later, or the run is dead: recorded, announced, kept for redrive. */
export function afterFailure(deps: RunFailureDeps, held: HeldJob, failure: RunFailure): void {
  const { scheduledAt, attempt, failedAt, cause, error } = failure;
  const { job } = held;
  const policy = resolveRetryPolicy(job.retry, deps.retryPolicy);
  const retryAt =
    isRetryableFailure(cause) && held.retries.length < MAX_PENDING_RETRIES
      ? nextAttemptAt(policy, scheduledAt, attempt, failedAt, deps.random)
      : null;
  if (retryAt) {
    held.retries.push({ scheduledAt, attempt: attempt + 1, dueAt: retryAt });
    deps.emitter.emit('job.retryScheduled', {
      jobId: job.id,
      scheduledAt,
      attempt: attempt + 1,
      dueAt: retryAt,
    });
    return;
  }
  held.dead.push({
    jobId: job.id,
    scheduledAt,
    attempts: attempt,
    lastError: error,
    handler: job.action.handler,
    deadAt: failedAt,
    job: cloneJob({ ...job, retryState: null }),
  });
  if (deps.deadLetterTopic)
    held.events.push(deadLetterEvent(deps.deadLetterTopic, job, scheduledAt, attempt, error));
  deps.emitter.emit('job.dead', {
    jobId: job.id,
    scheduledAt,
    attempts: attempt,
    error,
    handler: job.action.handler,
  });
}

/** `{eventId, kind:"run", jobId, scheduledAt, attempts, lastError, handler}` (DESIGN.md section 6). */
function deadLetterEvent(
  topic: string,
  job: Job,
  scheduledAt: Date,
  attempts: number,
  lastError: string,
): OutboxEvent {
  const eventId = eventIdFor(job.id, scheduledAt, DEAD_LETTER_EVENT_KIND);
  return {
    eventId,
    topic,
    key: job.id,
    value: {
      eventId,
      kind: 'run',
      jobId: job.id,
      scheduledAt: scheduledAt.toISOString(),
      attempts,
      lastError,
      handler: job.action.handler,
    },
    headers: { 'x-event-id': eventId },
  };
}
