import { Agent, type Dispatcher, request } from 'undici';

import { type ActionHandler, type RunContext } from '../scheduler';
import { type AddressPolicy, hostOfUrl, isIpLiteral } from './address-policy';
import { ForbiddenAddressError, HttpTargetError } from './errors';
import { type HttpTargetArgs, parseHttpTargetArgs } from './http-target-args';
import { IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature';

/** The action name jobs use: `{ handler: 'http', args: HttpTargetArgs }`. */
export const HTTP_ACTION = 'http';
/** Part of the delivery's deterministic id: the same on every attempt of one scheduled run. */
export const HTTP_EVENT_KIND = 'http';
const ERROR_BODY_CHARS = 300;

export interface HttpTargetOptions {
  signingSecret: string;
  policy: AddressPolicy;
  defaultTimeoutSeconds: number;
  userAgent?: string;
  /** Wall clock for the signature's timestamp (tests pass a fake one). */
  now?: () => number;
}

/** Builds the `http` action handler, with one connection pool for all deliveries. */
export function createHttpTargetHandler(options: HttpTargetOptions): {
  handler: ActionHandler;
  close(): Promise<void>;
} {
  // Redirects are never followed (undici's request does not), and every name's resolved addresses
  // go through the policy at connect time (an IP literal is connected to without a lookup, so
  // deliver() checks it first).
  const agent = new Agent({ connect: { lookup: options.policy.lookup }, connections: 64 });
  return {
    handler: (context) => deliver(options, agent, context),
    close: () => agent.close(),
  };
}

async function deliver(options: HttpTargetOptions, agent: Dispatcher, context: RunContext): Promise<void> {
  const args = parseHttpTargetArgs(context.args);
  const url = new URL(args.url);
  const host = hostOfUrl(url);
  if (isIpLiteral(host)) options.policy.check(host, host);

  const eventId = context.eventId(HTTP_EVENT_KIND);
  const { raw, contentType } = bodyOf(args);
  const unixSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const headers: Record<string, string> = {
    ...(contentType ? { 'content-type': contentType } : {}),
    'user-agent': options.userAgent ?? 'delayed-action-service',
    ...args.headers,
    [IDEMPOTENCY_KEY_HEADER]: eventId,
    [SIGNATURE_HEADER]: signatureHeader(options.signingSecret, unixSeconds, raw ?? ''),
    'x-scheduler-job-id': encodeURIComponent(context.jobId),
    'x-scheduler-scheduled-at': context.scheduledAt.toISOString(),
  };
  const timeoutMs = Math.round((args.timeoutSeconds ?? options.defaultTimeoutSeconds) * 1000);
  const where = `${args.method} ${url.origin}${url.pathname}`; // no query string: it may hold a token

  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: args.method,
      headers,
      body: raw,
      dispatcher: agent,
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (err) {
    // The run's own abort (its timeout, or a shutdown) keeps its reason for the engine to record.
    if (context.signal.aborted) throw context.signal.reason;
    throw failureOf(err, where, timeoutMs);
  }

  const status = response.statusCode;
  const text = await readSome(response.body);
  if (args.successStatuses ? args.successStatuses.includes(status) : status >= 200 && status < 300) return;
  if (status >= 300 && status < 400) {
    const location = String(response.headers.location ?? '');
    throw new HttpTargetError(
      `${where} answered ${status} (redirect to ${location || '?'} not followed)`,
      false,
      status,
    );
  }
  const retryable =
    status >= 500 || status === 408 || status === 429 || (args.retryStatuses ?? []).includes(status);
  throw new HttpTargetError(`${where} answered ${status}${text ? `: ${text}` : ''}`, retryable, status);
}

function bodyOf(args: HttpTargetArgs): { raw?: string; contentType?: string } {
  if (args.body !== undefined) return { raw: JSON.stringify(args.body), contentType: 'application/json' };
  if (args.bodyText !== undefined) return { raw: args.bodyText, contentType: 'text/plain; charset=utf-8' };
  return {};
}

function failureOf(err: unknown, where: string, timeoutMs: number): Error {
  const forbidden = findCause(err, ForbiddenAddressError);
  if (forbidden) return forbidden;
  const e = err as { name?: string; code?: string; message?: string };
  if (
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  )
    return new HttpTargetError(`${where} did not answer within ${timeoutMs} ms`, true);
  return new HttpTargetError(`${where} failed: ${e?.code ?? e?.message ?? String(err)}`, true);
}

function findCause<T>(err: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof type) return e;
  return undefined;
}

async function readSome(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length >= ERROR_BODY_CHARS) break;
  }
  body.destroy();
  return text.slice(0, ERROR_BODY_CHARS).replace(/\s+/g, ' ').trim();
}
