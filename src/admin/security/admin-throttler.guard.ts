import { createHash } from 'node:crypto';

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

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`admin-${name}-${tracker}`).digest('hex');
  }
}
