import type { IncomingMessage, ServerResponse } from 'node:http';

import { json, type Request, type Response } from 'express';

import { jsonTextDepth, MAX_JSON_DEPTH } from '../../scheduler/validation';
import { RequestBodyError } from './request-body-error';

type Next = (error?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

const JSON_TYPES = ['application/json', 'application/*+json'];
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;

/** A body is coming when it is chunked or has a positive length (`content-length: 0` is none). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}

function isJson(req: IncomingMessage): boolean {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(mediaType);
}
const ENCODINGS = new Set(['identity', 'gzip', 'deflate', 'br']);

/**
 * The only body parser: JSON bodies only (anything else, a form post included, is 415 before it is
 * read, so a cross-site HTML form cannot reach a route), at most `maxBytes` after decompression,
 * nested at most MAX_JSON_DEPTH levels (measured on the raw text before JSON.parse, so thousands of
 * nested arrays cannot overflow a recursive walker later). Every failure becomes a RequestBodyError
 * (400/413/415 with a stable code), never a 500.
 */
export function jsonBody(maxBytes: number): Middleware {
  const parse = json({ limit: maxBytes, strict: false, type: JSON_TYPES, verify: checkDepth });
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    if (!isJson(req)) {
      return next(
        new RequestBodyError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'request bodies must be JSON (content-type: application/json)',
          'content-type',
        ),
      );
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!ENCODINGS.has(encoding)) {
      return next(
        new RequestBodyError(
          415,
          'UNSUPPORTED_ENCODING',
          'the content-encoding is not supported (identity, gzip, deflate, br are)',
          'content-encoding',
        ),
      );
    }
    parse(req as Request, res as Response, (error?: unknown) =>
      next(error === undefined ? undefined : toBodyError(error)),
    );
  };
}

function checkDepth(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  const text = buf.toString('utf8');
  if (jsonTextDepth(text) <= MAX_JSON_DEPTH) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON at all: body-parser's own parse reports it as malformed.
    return;
  }
  const field = pathBeyondDepth(value, MAX_JSON_DEPTH) ?? 'body';
  throw new RequestBodyError(
    400,
    'JSON_TOO_DEEP',
    `JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    field,
  );
}

/**
 * The dotted path (`action.args.a[0]`) of the first value nested deeper than `max`, found
 * iteratively (JSON.parse copes with deep text; recursion here would not).
 */
function pathBeyondDepth(value: unknown, max: number): string | undefined {
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return path || 'body';
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((child, i) => [`${path}[${i}]`, child])
      : Object.entries(v as Record<string, unknown>).map(([k, child]) => [path ? `${path}.${k}` : k, child]);
    for (const [childPath, child] of entries) stack.push([child, depth + 1, childPath]);
  }
  return undefined;
}

/** body-parser and zlib errors, whatever their shape, as a RequestBodyError. */
function toBodyError(error: unknown): RequestBodyError {
  if (error instanceof RequestBodyError) return error;
  const e = error as { type?: unknown; status?: unknown; limit?: unknown };
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof RequestBodyError) return cause;
  switch (e.type) {
    case 'entity.too.large':
      return new RequestBodyError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the request body exceeds the limit of ${String(e.limit)} bytes`,
        'body',
      );
    case 'entity.parse.failed':
      return new RequestBodyError(400, 'MALFORMED_JSON', 'the request body is not valid JSON', 'body');
    case 'charset.unsupported':
      return new RequestBodyError(
        415,
        'UNSUPPORTED_ENCODING',
        'the request body charset is not supported',
        'content-type',
      );
    case 'encoding.unsupported':
      return new RequestBodyError(
        415,
        'UNSUPPORTED_ENCODING',
        'the content-encoding is not supported',
        'content-encoding',
      );
    default:
      // Decompression failures (zlib), aborted or truncated bodies: the client's bytes are bad.
      return new RequestBodyError(
        400,
        'BODY_UNREADABLE',
        'the request body could not be read or decompressed',
        'body',
      );
  }
}
