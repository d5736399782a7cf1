import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger, type Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

import type { AppConfig } from '../app/config/app-config';
import { HttpSettings } from '../app/config/settings/http-settings';
import type { HttpLoggerOptions } from '../app/logging/logger-params';
import { requestLogging } from '../app/logging/request-logging';
import { jsonBody, jsonBodyParser } from './http/json-body';
import { RouteTable } from './http/route-table';
import { setupSecurityHeaders } from './http/security-headers';
import { keepUndecodablePath, undecodablePathParams } from './http/undecodable-path';
import { setupSwagger } from './swagger';

/**
 * How an app served through setupHttp is created: logs held until pino takes over, and none of
 * Nest's own body parsers (jsonBody is the only one).
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/** Ids of any length reach the id rule (a 400 naming `id`), not the router's 414/404. */
const MAX_PARAM_LENGTH = 65_536;

/**
 * The HTTP server every app (main.ts and the tests) is created on: Fastify (a third of Express's
 * CPU a request), routing case-insensitively with a trailing slash ignored (what clients were
 * given), no proxy trusted (the rate limiter keys on the peer address), no logger of its own
 * (pino-http's lines come from setupHttp), and a path whose percent-encoding is not UTF-8 still
 * routed, so setupHttp can name the parameter in its 400. `config` sets the body limit (setupHttp's
 * parser holds the same one; without a config, the default).
 */
export function httpAdapter(config?: Pick<AppConfig, 'http'>): FastifyAdapter {
  return new FastifyAdapter({
    logger: false,
    trustProxy: false,
    bodyLimit: (config?.http ?? new HttpSettings()).maxBodyBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    rewriteUrl: keepUndecodablePath,
    // Nest's own hooks (middie for Express-style middleware) are not used: setupHttp adds hooks.
    skipMiddie: true,
    clientErrorHandler: answerAsNode,
  });
}

/**
 * A request Node's parser refuses (a malformed request line or header) is answered as Node answers
 * it by default, a bare status with `Connection: close`, rather than with Fastify's JSON body on a
 * connection a client may then reuse.
 */
function answerAsNode(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? 413
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
  // As Node: only when no response on this connection has started (a kept-alive one may be done).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent)
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
  socket.destroy(error);
}

/**
 * What must be set on the app instance itself, before init: request ids and request logs first
 * (pino-http's lines with nestjs-pino's settings, see requestLogging, and `req.log` bound into
 * nestjs-pino's request storage so every Nest `Logger`/`PinoLogger` line the request causes carries
 * its id), response headers (helmet, no-store, CORS), a 400 naming any path parameter that is not
 * UTF-8, then the only body parser (JSON only, size and depth bounded), Nest's logger on
 * nestjs-pino, and the OpenAPI document. main.ts and the e2e tests call this, on an app created
 * on httpAdapter() with HTTP_APP_OPTIONS.
 */
export function setupHttp(app: INestApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const routes = RouteTable.of(fastify);
  const logRequest = requestLogging(app.get<Params>(PARAMS_PROVIDER_TOKEN).pinoHttp as HttpLoggerOptions);
  fastify.addHook('onRequest', (request, reply, done) => {
    logRequest(request.raw, reply.raw, () => storage.run(new Store(request.raw.log), done));
  });
  setupSecurityHeaders(fastify, config);
  fastify.addHook('onRequest', undecodablePathParams(routes));
  const readBody = jsonBody(config.http.maxBodyBytes);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Fastify reads no body of a GET or HEAD: one sent anyway is held to the same rule (415, 400, 413).
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    readBody(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { bodyLimit: config.http.maxBodyBytes }, jsonBodyParser(readBody));
  app.useLogger(app.get(Logger));
  setupSwagger(app);
}
