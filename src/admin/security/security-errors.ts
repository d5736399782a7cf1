import { HttpException } from '@nestjs/common';

/** No x-api-key header on an admin route: 401. */
export class MissingApiKeyError extends HttpException {
  readonly code = 'API_KEY_MISSING';

  constructor() {
    super('send an admin API key in the x-api-key header', 401);
  }
}

/** A key that matches none of ADMIN_API_KEYS, or none configured at all: 403. */
export class InvalidApiKeyError extends HttpException {
  readonly code = 'API_KEY_INVALID';

  constructor(message = 'the x-api-key is not valid') {
    super(message, 403);
  }
}
