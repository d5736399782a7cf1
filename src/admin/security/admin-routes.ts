import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Everything under /v1 is an admin route: the jobs API, the trigger preview, and the embedded-mode
 * /v1/events routes (they publish arbitrary messages, so they are not exempt). /health/*,
 * /metrics and /docs stay open.
 */
export const ADMIN_PREFIX = '/v1/';

export function isAdminRequest(context: ExecutionContext): boolean {
  if (context.getType() !== 'http') return false;
  const req = context.switchToHttp().getRequest<Request>();
  const path = req.path ?? req.url ?? '';
  return path === '/v1' || path.startsWith(ADMIN_PREFIX);
}
