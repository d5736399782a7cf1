import { Global, Module } from '@nestjs/common';
import { LoggerModule, type Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

import { AppConfig } from '../config/app-config';
import { LOG_DESTINATION, logDestination } from './log-destination';
import { APP_LOGGER, type AppLogger } from './logger';
import { type HttpLoggerOptions, loggerParams } from './logger-params';
import { SchedulerEventLog } from './scheduler-event-log';

/**
 * nestjs-pino (Nest's `Logger` and injectable `PinoLogger`, request-scoped through pino-http),
 * the same pino instance as APP_LOGGER for code outside Nest's logger, and scheduler events as
 * log lines. LOG_DESTINATION (stdout JSON, or pino-pretty in a terminal) is replaceable in tests.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [
        {
          provide: LOG_DESTINATION,
          inject: [AppConfig],
          useFactory: (c: AppConfig) => logDestination(c) ?? null,
        },
      ],
      inject: [AppConfig, LOG_DESTINATION],
      useFactory: (c: AppConfig, destination: DestinationStream | null): Params =>
        loggerParams(c.log, destination ?? undefined),
    }),
  ],
  providers: [
    {
      provide: APP_LOGGER,
      inject: [PARAMS_PROVIDER_TOKEN],
      useFactory: (params: Params): AppLogger => (params.pinoHttp as HttpLoggerOptions).logger,
    },
    SchedulerEventLog,
  ],
  exports: [APP_LOGGER],
})
export class LoggingModule {}
