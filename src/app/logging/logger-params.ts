import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';

import type { LogSettings } from '../config/settings/log-settings';
import { createAppLogger } from './logger';
import { redactUrl } from './redaction';
import { requestIdFrom } from './request-context';

/** Scraped every few seconds: logging each would drown the rest. */
const QUIET_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;

export type HttpLoggerOptions = Options<IncomingMessage, ServerResponse> & {
  logger: ReturnType<typeof createAppLogger>;
};

/**
 * nestjs-pino's settings: the app's pino logger (redaction, level) behind pino-http, which gives
 * each request an id (a plain x-request-id is reused, echoed back), logs one line per request, and
 * leaves `req.log` carrying `requestId`; nestjs-pino hands that logger to every Nest `Logger` and
 * `PinoLogger` call made while serving the request.
 *
 * `useExisting` and no routes: setupHttp mounts pino-http and binds `req.log` into nestjs-pino's
 * storage itself, in front of the body parser, so a request refused there (413, 415) is logged and
 * answered with its id too. nestjs-pino's own middleware stays off (no routes): mounted by Nest
 * for route `*` it broke the deny-by-default routing (dropped connections, 404 instead of 401 for
 * an upper-case path of a protected route).
 */
export function loggerParams(log: Pick<LogSettings, 'level'>, destination?: DestinationStream): Params {
  const pinoHttp: HttpLoggerOptions = {
    logger: createAppLogger(log.level, destination),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
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
  };
  return { pinoHttp, useExisting: true, forRoutes: [] };
}
