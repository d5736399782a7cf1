import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

import type { AppConfig } from '../app/config/app-config';
import { httpLogger } from '../app/logging/http-logger';
import { APP_LOGGER, type AppLogger } from '../app/logging/logger';
import { PinoNestLogger } from '../app/logging/nest-logger';
import { setupSwagger } from './swagger';

/**
 * What must be set on the app instance itself, before init: request ids and request logs first,
 * then the JSON body parser with an explicit size limit (413 beyond it), Nest's logger on pino,
 * and the OpenAPI document. main.ts and the e2e tests both call this.
 */
export function setupHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.use(httpLogger(app.get<AppLogger>(APP_LOGGER)));
  express.useBodyParser('json', { limit: config.HTTP_MAX_BODY_BYTES });
  express.useLogger(app.get(PinoNestLogger));
  express.set('trust proxy', false);
  setupSwagger(app);
}
