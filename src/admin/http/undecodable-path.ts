import type { IncomingMessage } from 'node:http';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { RequestValidationError } from '../problem/request-errors';
import type { RouteTable } from './route-table';

type Done = (error?: Error) => void;

/** Stands in for a segment the router cannot decode, so the request is routed and answered here. */
const STAND_IN = '%25';

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** The path of `url` split into segments, and the index of the first that is not UTF-8 (or -1). */
function undecodable(url: string): { segments: string[]; bad: number } {
  const path = url.split('?')[0] ?? '/';
  if (!path.includes('%')) return { segments: [], bad: -1 };
  const segments = path.split('/');
  return { segments, bad: segments.findIndex((s) => !decodes(s)) };
}

/**
 * Fastify's rewriteUrl: the router answers a path it cannot decode itself (a bare 400, before any
 * hook); such a path is routed with each bad segment replaced, and undecodablePathParams refuses
 * it by its original URL (Fastify keeps it as `originalUrl`).
 */
export function keepUndecodablePath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const { segments, bad } = undecodable(url);
  if (bad < 0) return url;
  const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
  return segments.map((s) => (decodes(s) ? s : STAND_IN)).join('/') + query;
}

/** The name of the path parameter that holds segment `index` of the path, if a route has one there. */
function parameterAt(routes: RouteTable, segments: string[], index: number): string | undefined {
  for (const { pattern } of routes.routes()) {
    const parts = pattern.split('/');
    if (parts.length !== segments.length) continue;
    const fits = parts.every((p, i) => p.startsWith(':') || p.toLowerCase() === segments[i]?.toLowerCase());
    if (fits && parts[index]?.startsWith(':')) return parts[index].slice(1);
  }
  return undefined;
}

/**
 * A path parameter whose percent-encoding is not UTF-8 (a lone surrogate has no UTF-8 form, so
 * `%ED%A0%80` is how one arrives) is a 400 naming the parameter, like any other id the id rule
 * refuses, rather than the router's anonymous "bad URL".
 */
export function undecodablePathParams(routes: RouteTable) {
  return (request: FastifyRequest, _reply: FastifyReply, done: Done): void => {
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    const original = raw.originalUrl;
    if (original === undefined || original === raw.url) return done();
    // The request is logged, and answered, under the path it came with.
    raw.url = original;
    const { segments, bad } = undecodable(original);
    if (bad < 0) return done();
    const field = parameterAt(routes, segments, bad) ?? 'path';
    done(RequestValidationError.of(field, `${field} must be UTF-8 percent-encoded (no lone surrogates)`));
  };
}
