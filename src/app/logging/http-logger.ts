import type { IncomingMessage, ServerResponse } from 'node:http';

import pinoHttp from 'pino-http';

import type { AppLogger } from './logger';
import { redactUrl } from './redaction';
import { requestContext, requestIdFrom } from './request-context';

/** Scraped every few seconds: logging each would drown the rest. */
const QUIET_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

type Next = (error?: unknown) => void;

/**
 * Express middleware: x-request-id in (when plain enough) or a fresh one, echoed back on the
 * response, one JSON line per request, and the id kept for every log line the request causes.
 */
export function httpLogger(
  logger: AppLogger,
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const middleware = pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string; headers: object }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
        headers: req.headers,
      }),
    },
  });
  return (req, res, next) => {
    middleware(req, res);
    const requestId = String((req as IncomingMessage & { id: unknown }).id);
    requestContext.run({ requestId }, () => next());
  };
}
