import { ActionError } from '../scheduler';

/** A delivery to an HTTP target failed; `retryable` says whether another attempt can help. */
export class HttpTargetError extends ActionError {
  override readonly code = 'HTTP_TARGET_FAILED';

  constructor(
    message: string,
    retryable: boolean,
    /** The response status, when a response came back. */
    readonly status?: number,
  ) {
    super(message, retryable);
  }
}

/** The target's address is loopback, link-local, private or otherwise internal, and not allow-listed. */
export class ForbiddenAddressError extends ActionError {
  override readonly code = 'HTTP_TARGET_ADDRESS_FORBIDDEN';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(
      `${host} resolves to ${address} (${range}), which is not allowed; allow-list the host to call it`,
      false,
    );
  }
}
