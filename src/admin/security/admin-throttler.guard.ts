import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

import { isAdminRequest } from './admin-routes';

/**
 * ADMIN_RATE_LIMIT_PER_MINUTE per client IP on /v1/** only. Runs before the API key guard, so
 * key guessing is throttled too. Counters live in this replica's memory.
 */
@Injectable()
export class AdminThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !isAdminRequest(context);
  }
}
