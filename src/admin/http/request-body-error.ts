/** A request body refused before any route sees it: not JSON, too large, too deep, undecodable. */
export class RequestBodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}
