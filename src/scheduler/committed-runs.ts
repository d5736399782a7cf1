import { LeaseLostError } from './errors';
import type { SchedulerEventMap, TypedEmitter } from './events';
import type { CompleteResult, RunCompletion } from './ports/job-store';
import type { RunDispatcher } from './run-dispatcher';
import type { SchedulerLoop } from './scheduler-loop';

/**
 * What follows a committed batch of run completions: listeners hear what was committed, the
 * dispatcher lets go of each job, and the loop wakes for the next run times. Kept apart from the
 * Scheduler so that its lifecycle reads on its own.
 */
export function reportCommittedRuns(
  batch: RunCompletion[],
  result: CompleteResult,
  to: { emitter: TypedEmitter<SchedulerEventMap>; dispatcher: RunDispatcher; loop: SchedulerLoop },
): void {
  const lost = new Set(result.leaseLost);
  const committed = batch.filter((c) => !lost.has(c.jobId));
  to.emitter.emit('runs.committed', {
    jobIds: committed.map((c) => c.jobId),
    events: committed.reduce(
      (n, c) => n + c.events.length + (c.guarded ?? []).reduce((g, e) => g + e.events.length, 0),
      0,
    ),
  });
  for (const completion of batch) {
    to.dispatcher.released(completion);
    // Not a store failure (health stays): another replica reclaimed the job and runs it again.
    if (lost.has(completion.jobId))
      to.emitter.emit('scheduler.error', {
        during: 'complete runs',
        error: new LeaseLostError(completion.jobId),
      });
    else to.loop.wakeFor(completion.nextRunTime);
  }
}
