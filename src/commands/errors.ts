/** Errors of the commands domain, told apart by a stable `code`. */
export abstract class CommandsError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A cancel met its job being fired right now; retried (the batch is redelivered), never dead-lettered. */
export class CommandJobBusyError extends CommandsError {
  readonly code = 'COMMAND_JOB_BUSY';

  constructor(readonly jobId: string) {
    super(`job '${jobId}' is being fired; the cancel is retried after its run commits`);
  }
}

/** Another writer recorded the same command between our check and our insert: roll back, retry. */
export class CommandInsertRaceError extends CommandsError {
  readonly code = 'COMMAND_INSERT_RACE';

  constructor() {
    super('a concurrent writer recorded the same command; the batch is retried');
  }
}
