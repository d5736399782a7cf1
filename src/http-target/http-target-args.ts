import { type JsonValue, ValidationError } from '../scheduler';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Arguments of the `http` action. `body` is sent as JSON; `bodyText` as text (content-type
 * text/plain unless a header says otherwise); at most one of them.
 */
export interface HttpTargetArgs {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: JsonValue;
  bodyText?: string;
  timeoutSeconds?: number;
  /** Statuses that count as delivered. Default: any 2xx. */
  successStatuses?: number[];
  /** Statuses worth another attempt besides 408, 429 and 5xx (e.g. 409 for an eventually consistent target). */
  retryStatuses?: number[];
}

const KEYS = new Set([
  'method',
  'url',
  'headers',
  'body',
  'bodyText',
  'timeoutSeconds',
  'successStatuses',
  'retryStatuses',
]);
const MAX_URL_LENGTH = 2048;
const MAX_TIMEOUT_SECONDS = 300;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the service on every delivery, or by the HTTP layer itself: a job cannot override them.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'idempotency-key',
  'x-delayed-action-signature',
]);

/** Validates a job's http args (at creation and again at run time); errors name the field. */
export function parseHttpTargetArgs(args: unknown): HttpTargetArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new ValidationError('args', 'must be an object { method?, url, headers?, body? | bodyText?, … }');
  const a = args as Record<string, unknown>;
  for (const key of Object.keys(a))
    if (!KEYS.has(key)) throw new ValidationError(`args.${key}`, 'is not an http target parameter');

  const method = a.method ?? 'POST';
  if (!HTTP_METHODS.includes(method as HttpMethod))
    throw new ValidationError('args.method', `must be one of ${HTTP_METHODS.join(', ')}`);

  if (typeof a.url !== 'string' || a.url.length > MAX_URL_LENGTH)
    throw new ValidationError('args.url', `must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(a.url);
  } catch {
    throw new ValidationError('args.url', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ValidationError('args.url', 'must use http or https');
  // Credentials in a URL would be shown by every API that lists the job.
  if (url.username || url.password)
    throw new ValidationError('args.url', 'must not contain credentials; send them in headers');

  const headers: Record<string, string> = {};
  if (a.headers !== undefined) {
    if (typeof a.headers !== 'object' || a.headers === null || Array.isArray(a.headers))
      throw new ValidationError('args.headers', 'must be an object of string values');
    for (const [name, value] of Object.entries(a.headers)) {
      if (!TOKEN.test(name)) throw new ValidationError(`args.headers.${name}`, 'is not a valid header name');
      if (RESERVED_HEADERS.has(name.toLowerCase()))
        throw new ValidationError(`args.headers.${name}`, 'is set by the service and cannot be given');
      if (typeof value !== 'string' || /[\r\n\0]/.test(value))
        throw new ValidationError(`args.headers.${name}`, 'must be a string without CR, LF or NUL');
      headers[name.toLowerCase()] = value;
    }
  }

  if (a.body !== undefined && a.bodyText !== undefined)
    throw new ValidationError('args.bodyText', 'give body (JSON) or bodyText, not both');
  if (a.bodyText !== undefined && typeof a.bodyText !== 'string')
    throw new ValidationError('args.bodyText', 'must be a string');
  if ((a.body !== undefined || a.bodyText !== undefined) && (method === 'GET' || method === 'DELETE'))
    throw new ValidationError('args.method', `${String(method)} requests carry no body`);

  if (a.timeoutSeconds !== undefined) {
    const t = a.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > MAX_TIMEOUT_SECONDS)
      throw new ValidationError('args.timeoutSeconds', `must be a number in (0, ${MAX_TIMEOUT_SECONDS}]`);
  }

  return {
    method: method as HttpMethod,
    url: url.toString(),
    headers,
    ...(a.body !== undefined ? { body: a.body as JsonValue } : {}),
    ...(a.bodyText !== undefined ? { bodyText: a.bodyText as string } : {}),
    ...(a.timeoutSeconds !== undefined ? { timeoutSeconds: a.timeoutSeconds as number } : {}),
    ...(a.successStatuses !== undefined
      ? { successStatuses: statusList(a.successStatuses, 'args.successStatuses') }
      : {}),
    ...(a.retryStatuses !== undefined
      ? { retryStatuses: statusList(a.retryStatuses, 'args.retryStatuses') }
      : {}),
  };
}

function statusList(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100)
    throw new ValidationError(field, 'must be a non-empty list of at most 100 HTTP statuses');
  for (const s of value)
    if (!Number.isInteger(s) || (s as number) < 100 || (s as number) > 599)
      throw new ValidationError(field, 'must contain integers from 100 to 599');
  return value as number[];
}
