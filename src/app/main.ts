import 'reflect-metadata';

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { setupHttp } from '../admin/http-setup';
import { AppModule } from './app.module';
import { ensureEmbeddedAdminKey } from './config/embedded-admin-key';
import { loadDotEnv } from './config/dotenv';
import { ConfigError, isEmbedded, loadConfig } from './config/load-config';
import { checkConnections } from './startup/check-connections';
import { StartupConnectionError } from './startup/startup-error';
import { scrubSecrets } from './logging/redaction';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const generatedKey = ensureEmbeddedAdminKey(config);
  await checkConnections(config, (message) => new Logger('startup').warn(message));
  // Logs are held until pino takes over Nest's logger in setupHttp.
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  setupHttp(app, config);
  // SIGTERM/SIGINT run every module's shutdown hooks: stop consuming, finish runs, flush the outbox.
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  const logger = new Logger('main');
  if (isEmbedded(config)) {
    logger.warn(
      'EMBEDDED MODE: no DATABASE_URL and no KAFKA_BROKERS; jobs and events live in memory and are lost on exit',
    );
  }
  if (generatedKey) {
    logger.warn(`no ADMIN_API_KEYS set: admin key for this run is ${generatedKey} (send it as x-api-key)`);
  }
  logger.log(
    `listening on http://${config.http.host}:${config.http.port} (replica ${config.scheduler.replicaId})`,
  );
}

bootstrap().catch((error: unknown) => {
  // A config or connection-settings error is the operator's to fix: say what, without a stack trace.
  // Anything else is printed without credentials (a driver error can quote DATABASE_URL).
  const operatorsToFix = error instanceof ConfigError || error instanceof StartupConnectionError;
  console.error(
    operatorsToFix
      ? error.message
      : scrubSecrets(error instanceof Error ? String(error.stack) : String(error)),
  );
  process.exit(1);
});
