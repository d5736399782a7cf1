import type { IncomingMessage, ServerResponse } from 'node:http';

import type { NestExpressApplication } from '@nestjs/platform-express';

import { RequestValidationError } from '../problem/request-errors';

type Next = (error?: unknown) => void;

interface RouteLayer {
  route?: { path: string | string[] };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** The name of the path parameter that holds segment `index` of the path, if a route has one there. */
function parameterAt(express: NestExpressApplication, segments: string[], index: number): string | undefined {
  const stack = (express.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } }).router.stack;
  for (const layer of stack) {
    const paths = layer.route ? [layer.route.path].flat() : [];
    for (const path of paths) {
      const parts = path.split('/');
      if (parts.length !== segments.length) continue;
      const fits = parts.every((p, i) => p.startsWith(':') || p.toLowerCase() === segments[i]?.toLowerCase());
      if (fits && parts[index]?.startsWith(':')) return parts[index].slice(1);
    }
  }
  return undefined;
}

/**
 * A path parameter whose percent-encoding is not UTF-8 (a lone surrogate has no UTF-8 form, so
 * `%ED%A0%80` is how one arrives) is a 400 naming the parameter, like any other id the id rule
 * refuses, rather than the router's anonymous "failed to decode param".
 */
export function undecodablePathParams(express: NestExpressApplication) {
  return (req: IncomingMessage, _res: ServerResponse, next: Next): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.includes('%')) return next();
    const segments = path.split('/');
    const bad = segments.findIndex((s) => !decodes(s));
    if (bad < 0) return next();
    const field = parameterAt(express, segments, bad) ?? 'path';
    next(RequestValidationError.of(field, `${field} must be UTF-8 percent-encoded (no lone surrogates)`));
  };
}
