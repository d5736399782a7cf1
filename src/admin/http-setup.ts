import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

import type { AppConfig } from '../app/config/app-config';
import { httpLogger } from '../app/logging/http-logger';
import { APP_LOGGER, type AppLogger } from '../app/logging/logger';
import { PinoNestLogger } from '../app/logging/nest-logger';
import { jsonBody } from './http/json-body';
import { setupSecurityHeaders } from './http/security-headers';
import { setupSwagger } from './swagger';

/**
 * What must be set on the app instance itself, before init: request ids and request logs first,
 * response headers (helmet, no-store, CORS), then the only body parser (JSON only, size and depth
 * bounded), Nest's logger on pino, and the OpenAPI document. main.ts and the e2e tests call this.
 * Nest's own json/urlencoded parsers, added at init, never see a body: this one has read it, or
 * refused it with 415.
 */
export function setupHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.use(httpLogger(app.get<AppLogger>(APP_LOGGER)));
  setupSecurityHeaders(express, config);
  express.use(jsonBody(config.HTTP_MAX_BODY_BYTES));
  express.useLogger(app.get(PinoNestLogger));
  express.set('trust proxy', false);
  setupSwagger(app);
}
