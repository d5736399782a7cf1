import 'reflect-metadata';

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { HTTP_APP_OPTIONS, httpAdapter, setupHttp } from '../admin/http-setup';
import { AppModule } from './app.module';
import { ensureEmbeddedAdminKey } from './config/embedded-admin-key';
import { loadDotEnv } from './config/dotenv';
import { isEmbedded, loadConfig } from './config/load-config';
import { configuredSecretValues } from './config/secret-values';
import { ScrubbingConsoleLogger } from './logging/scrubbing-console-logger';
import { registerSecretValues } from './logging/secret-scrubber';
import { checkConnections } from './startup/check-connections';
import { fatalStartText } from './startup/fatal-start-text';
import { enableGracefulShutdown } from './startup/shutdown-signals';

async function bootstrap(): Promise<void> {
  // Until pino takes over (setupHttp), Nest logs to the console: with secrets hidden there too.
  Logger.overrideLogger(new ScrubbingConsoleLogger());
  loadDotEnv();
  const config = loadConfig();
  registerSecretValues(configuredSecretValues(config));
  const generatedKey = ensureEmbeddedAdminKey(config);
  await checkConnections(config, (message) => new Logger('startup').warn(message));
  // Logs are held until pino takes over Nest's logger in setupHttp.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    httpAdapter(config),
    HTTP_APP_OPTIONS,
  );
  setupHttp(app, config);
  enableGracefulShutdown(app);
  await app.listen(config.http.port, config.http.host);
  const logger = new Logger('main');
  if (isEmbedded(config)) {
    logger.warn(
      'EMBEDDED MODE: no DATABASE_URL and no KAFKA_BROKERS; jobs and events live in memory and are lost on exit',
    );
  }
  if (generatedKey) {
    // The one secret shown on purpose (to the terminal, not the log): a throwaway key for trying
    // the service out in memory. Logs hide it like any configured key.
    process.stderr.write(
      `no ADMIN_API_KEYS set: admin key for this run is ${generatedKey} (send it as x-api-key)\n`,
    );
  }
  logger.log(
    `listening on http://${config.http.host}:${config.http.port} (replica ${config.scheduler.replicaId})`,
  );
}

// A crash, like a failed start, prints its error without secrets (Node's own report would not).
process.on('uncaughtException', (error) => {
  console.error(fatalStartText(error));
  process.exit(1);
});

bootstrap().catch((error: unknown) => {
  console.error(fatalStartText(error));
  process.exit(1);
});
