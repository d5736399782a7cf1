/** Errors of the orders domain, told apart by a stable `code`. */
export abstract class OrdersError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A stored timeout job whose args are not what 'orders.timeout' wrote (a bug or a hand edit). */
export class InvalidOrderJobArgsError extends OrdersError {
  readonly code = 'ORDER_JOB_ARGS_INVALID';

  constructor(readonly jobId: string) {
    super(`job '${jobId}' has no valid { orderId, items } args`);
  }
}
