import { SchedulerError } from '../errors';

/**
 * An `and` trigger gave up looking for a time all its parts agree on (APScheduler 4 raises
 * MaxIterationsReached the same way): its parts probably never coincide.
 */
export class TriggerMaxIterationsError extends SchedulerError {
  readonly code = 'TRIGGER_MAX_ITERATIONS';

  constructor(readonly iterations: number) {
    super(`the 'and' trigger found no common fire time within ${iterations} iterations`);
  }
}
