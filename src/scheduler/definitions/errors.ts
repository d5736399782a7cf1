import { SchedulerError } from '../errors';

/**
 * A job definition (decorator or jobs file) that cannot be used: names the job (its id, or its
 * place in the list when it has none) and the field, as the user wrote it.
 */
export class JobDefinitionError extends SchedulerError {
  readonly code = 'JOB_DEFINITION_INVALID';

  constructor(
    /** The job's id, or its place (`jobs[3]`) when the id itself is missing or bad. */
    readonly job: string,
    readonly field: string,
    readonly reason: string,
    /** Where the definitions came from (the file path, or `@ScheduledJob on Class.method`). */
    readonly origin?: string,
  ) {
    super(`${origin ? `${origin}: ` : ''}job '${job}': ${field}: ${reason}`);
  }
}

/**
 * Definitions claim an id that a job outside their source holds (made over REST, Kafka, or by
 * another source): the reconciler never takes a job it does not own.
 */
export class JobOwnershipError extends SchedulerError {
  readonly code = 'JOB_NOT_OWNED';

  constructor(
    readonly jobId: string,
    readonly source: string,
  ) {
    super(`job '${jobId}' exists and is not owned by definition source '${source}': rename one of them`);
  }
}
