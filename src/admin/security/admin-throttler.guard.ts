import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

import { isPublicRoute } from './public-route';

/**
 * ADMIN_RATE_LIMIT_PER_MINUTE per client IP over every non-public route together (one counter
 * per client, not one per handler, so spreading key guesses over routes gains nothing). Runs
 * before the API key guard, so key guessing is throttled too. Counters live in this replica's memory.
 */
@Injectable()
export class AdminThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return isPublicRoute(this.reflector, context);
  }

  /**
   * The client alone (the storage keys by throttler name too). Not hashed, as the library's default
   * is: the key stays in this replica's memory and a tracker (the peer's IP) is short; the SHA-256
   * cost ~1.4 % of a POST /v1/jobs's CPU in a profile of the ingest bench.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }
}
