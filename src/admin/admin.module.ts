import { Module, type ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';

import { AppConfig } from '../app/config/app-config';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { SchemaFirstValidationPipe } from './http/body-schema';
import { DeadRunsController } from './dead-runs/dead-runs.controller';
import { AdminJobsService } from './jobs/admin-jobs.service';
import { JobsController } from './jobs/jobs.controller';
import { OutboxDeadLettersController } from './outbox/outbox-dead-letters.controller';
import { ProblemFilter } from './problem/problem.filter';
import { flattenValidationErrors, RequestValidationError } from './problem/request-errors';
import { AdminThrottlerGuard } from './security/admin-throttler.guard';
import { ApiKeyGuard } from './security/api-key.guard';
import { HitLogThrottlerStorage } from './security/hit-log-throttler-storage';
import { SchedulerStateController } from './scheduler/scheduler-state.controller';
import { TriggersController } from './triggers/triggers.controller';

/**
 * The strict body/query validation every route gets: unknown fields refused, types not coerced
 * (exported so tests hold the body shortcut to exactly these options).
 */
export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
};

/** That validation; a body DTO with a @BodySchema shortcut is checked by that first (body-schema.ts). */
function createValidationPipe(): ValidationPipe {
  return new SchemaFirstValidationPipe(VALIDATION_PIPE_OPTIONS);
}

/**
 * The admin REST API (/v1/jobs, /v1/triggers/preview) and what guards every route: problem+json
 * errors, validation, rate limit then API key on /v1/** (guards run in the order listed).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: 60_000, limit: config.admin.rateLimitPerMinute }],
        storage: new HitLogThrottlerStorage(),
      }),
    }),
  ],
  controllers: [
    JobsController,
    TriggersController,
    DeadLettersController,
    OutboxDeadLettersController,
    DeadRunsController,
    SchedulerStateController,
  ],
  providers: [
    AdminJobsService,
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: AdminThrottlerGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class AdminModule {}
