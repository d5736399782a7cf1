import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger, type Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';

import type { AppConfig } from '../app/config/app-config';
import type { HttpLoggerOptions } from '../app/logging/logger-params';
import { requestLogging } from '../app/logging/request-logging';
import { jsonBody } from './http/json-body';
import { setupSecurityHeaders } from './http/security-headers';
import { undecodablePathParams } from './http/undecodable-path';
import { setupSwagger } from './swagger';

/**
 * How an app served through setupHttp is created: logs held until pino takes over, and none of
 * Nest's own json/urlencoded parsers (jsonBody is the only one; Nest's would only re-check a body
 * already read, at ~2 % of a POST /v1/jobs's CPU in a profile of the ingest bench).
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/**
 * What must be set on the app instance itself, before init: request ids and request logs first
 * (pino-http's lines with nestjs-pino's settings, see requestLogging, and `req.log` bound into
 * nestjs-pino's request storage so every Nest `Logger`/`PinoLogger` line the request causes carries its id), response headers
 * (helmet, no-store, CORS), a 400 naming any path parameter that is not UTF-8, then the only body
 * parser (JSON only, size and depth bounded), Nest's logger on nestjs-pino, and the OpenAPI document. main.ts and the e2e tests call this,
 * on an app created with HTTP_APP_OPTIONS.
 */
export function setupHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.use(requestLogging(app.get<Params>(PARAMS_PROVIDER_TOKEN).pinoHttp as HttpLoggerOptions));
  express.use((req: Request, _res: Response, next: NextFunction) => storage.run(new Store(req.log), next));
  setupSecurityHeaders(express, config);
  express.use(undecodablePathParams(express));
  express.use(jsonBody(config.http.maxBodyBytes));
  express.useLogger(app.get(Logger));
  express.set('trust proxy', false);
  setupSwagger(app);
}
