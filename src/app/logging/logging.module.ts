import { Global, Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_LOGGER, type AppLogger, createAppLogger } from './logger';
import { PinoNestLogger } from './nest-logger';
import { SchedulerEventLog } from './scheduler-event-log';

/** The pino logger (APP_LOGGER), Nest's logger on top of it, and scheduler events as log lines. */
@Global()
@Module({
  providers: [
    {
      provide: APP_LOGGER,
      inject: [AppConfig],
      useFactory: (c: AppConfig): AppLogger => createAppLogger(c.LOG_LEVEL),
    },
    { provide: PinoNestLogger, inject: [APP_LOGGER], useFactory: (l: AppLogger) => new PinoNestLogger(l) },
    SchedulerEventLog,
  ],
  exports: [APP_LOGGER, PinoNestLogger],
})
export class LoggingModule {}
