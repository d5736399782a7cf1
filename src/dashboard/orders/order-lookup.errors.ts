/** An order id path parameter no order can have (empty, too long, control characters, edge spaces). */
export class OrderIdParamError extends Error {
  readonly code = 'ORDER_ID_INVALID';
  readonly field = 'orderId';
  readonly reason = 'must be 1-191 characters without control characters or leading/trailing spaces';

  constructor() {
    super('orderId is not a valid order id');
    this.name = 'OrderIdParamError';
  }
}
