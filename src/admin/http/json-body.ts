import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

import bodyParser from 'body-parser';
import type { FastifyRequest } from 'fastify';

import { jsonTextDepth, MAX_JSON_DEPTH } from '../../scheduler/validation';
import { RequestBodyError } from './request-body-error';

type Next = (error?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
type WithBody = IncomingMessage & { body?: unknown };
/** A Fastify content-type parser: the parsed body, or the error that refuses it. */
type BodyParser = (
  request: FastifyRequest,
  payload: IncomingMessage,
  done: (error: Error | null, body?: unknown) => void,
) => void;

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

/** The content-types the plain path takes: what nearly every client sends; anything else goes to body-parser. */
const PLAIN_JSON_TYPE = /^application\/json(\s*;\s*charset=(utf-8|"utf-8"))?$/i;
const DECIMAL = /^\d{1,15}$/;

/**
 * The length of a body the plain path can read as body-parser would, or -1: uncompressed, a
 * content-length within the limit (no chunked framing), plain JSON in UTF-8.
 */
function plainLength(req: IncomingMessage, maxBytes: number): number {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) return -1;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return -1;
  const length = headers['content-length'];
  if (length === undefined || !DECIMAL.test(length) || Number(length) > maxBytes) return -1;
  return PLAIN_JSON_TYPE.test(headers['content-type'] ?? '') ? Number(length) : -1;
}

/**
 * body-parser's json() for the common body (see plainLength), without its per-request machinery
 * (type-is, content-type and charset parsing, raw-body, iconv-lite: ~0.2 ms a request): the same
 * bytes, depth check, decoding (UTF-8, a leading BOM dropped, as iconv-lite does), parse (an empty
 * body is {}, any JSON value otherwise) and the same RequestBodyErrors.
 */
function readPlainBody(req: IncomingMessage, res: ServerResponse, length: number, next: Next): void {
  // The request's async context (its log binding) continues after the body, as body-parser's does
  // (a resource, not AsyncResource.bind: that one costs ~0.1 ms a call in Node 20).
  const context = new AsyncResource('JSON_BODY', { requireManualDestroy: true });
  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const finish = (error?: unknown): void => {
    if (done) return;
    done = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('aborted', onError);
    context.runInAsyncScope(next, undefined, error);
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    chunks.push(chunk);
  };
  const onError = (): void => finish(toBodyError(new Error('aborted')));
  const onEnd = (): void => {
    if (received !== length)
      return finish(toBodyError(new Error('request size did not match content length')));
    const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
    try {
      checkDepth(req, res, buf);
    } catch (error) {
      return finish(error);
    }
    let text = buf.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length === 0) {
      (req as WithBody).body = {};
      return finish();
    }
    try {
      (req as WithBody).body = JSON.parse(text) as unknown;
    } catch {
      return finish(
        new RequestBodyError(400, 'MALFORMED_JSON', 'the request body is not valid JSON', 'body'),
      );
    }
    finish();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('aborted', onError);
}

/**
 * The only body parser: JSON bodies only (anything else, a form post included, is 415 before it is
 * read, so a cross-site HTML form cannot reach a route), at most `maxBytes` after decompression,
 * nested at most MAX_JSON_DEPTH levels (measured on the raw text before JSON.parse, so thousands of
 * nested arrays cannot overflow a recursive walker later). Every failure becomes a RequestBodyError
 * (400/413/415 with a stable code), never a 500.
 */
export function jsonBody(maxBytes: number): Middleware {
  const parse = bodyParser.json({ limit: maxBytes, strict: false, type: JSON_TYPES, verify: checkDepth });
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
    const length = plainLength(req, maxBytes);
    if (length >= 0) return readPlainBody(req, res, length, next);
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : toBodyError(error)));
  };
}

/**
 * A jsonBody as the server's only content-type parser (registered for every type: it refuses what
 * is not JSON itself, with the same 415). It only reads the request, never writes the response.
 */
export function jsonBodyParser(read: Middleware): BodyParser {
  // Named, so the server's parser shows which body parser is mounted.
  return function readJsonBody(request, _payload, done) {
    const req = request.raw as WithBody;
    read(req, undefined as unknown as ServerResponse, (error?: unknown) =>
      error === undefined ? done(null, req.body) : done(error as Error),
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
