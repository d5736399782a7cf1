import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/** Route metadata key; set only through @Public(). */
const PUBLIC_ROUTE = 'access:public';

/**
 * Marks a controller or a handler as open to anyone: no API key, no admin rate limit. Everything
 * else needs a key (deny by default). The decision is read from this metadata on the handler that
 * Nest routed to, never from the request path, so no spelling of a path (case, encoding, slashes)
 * can turn a protected route into a public one.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]) === true
  );
}
