/** Errors of the orders domain, told apart by a stable `code`. */
export abstract class OrdersError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The order's timeout job is being fired by some replica right now. Not a failure: the payment is
 * settled once that run's completion has committed (retried, never dead-lettered).
 */
export class OrderJobBusyError extends OrdersError {
  readonly code = 'ORDER_JOB_BUSY';

  constructor(readonly orderIds: string[]) {
    super(
      `timeout job of order(s) ${orderIds.slice(0, 5).join(', ')} is being fired; retry after it commits`,
    );
  }
}

/** A stored timeout job whose args are not what 'orders.timeout' wrote (a bug or a hand edit). */
export class InvalidOrderJobArgsError extends OrdersError {
  readonly code = 'ORDER_JOB_ARGS_INVALID';

  constructor(readonly jobId: string) {
    super(`job '${jobId}' has no valid { orderId, items } args`);
  }
}

/** Another writer created the same order rows between our check and our insert: roll back, retry. */
export class OrderInsertRaceError extends OrdersError {
  readonly code = 'ORDER_INSERT_RACE';

  constructor() {
    super('a concurrent writer inserted the same order; the batch is retried');
  }
}
