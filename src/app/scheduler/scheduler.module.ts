import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { SchedulerModule as EngineModule } from '../../nest';
import type { SchedulerStore } from '../../nest/options';
import { MySqlJobStore } from '../../persistence/mysql-job-store';
import { MySqlSchedulerState } from '../../persistence/mysql-scheduler-state';
import { type Clock, MemoryJobStore, MemorySchedulerState, Scheduler } from '../../scheduler';
import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from '../health/readiness';
import { scrubSecrets } from '../logging/secret-scrubber';

export type ServiceStore = SchedulerStore;

/** The scheduler's readiness: running, and its last store call succeeded. */
@Injectable()
class SchedulerReadiness {
  constructor(scheduler: Scheduler, registry: ReadinessRegistry) {
    registry.register({
      name: 'scheduler',
      check: async () =>
        scheduler.running && scheduler.healthy
          ? { status: 'up' }
          : { status: 'down', detail: describe(scheduler.lastError) ?? 'not running' },
    });
  }
}

function describe(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The engine as the service uses it, through the same Nest module other apps import (src/nest):
 * MySQL store when a database is configured, memory otherwise; the outbox relay is the messaging
 * module's; jobs listed in the file named by SCHEDULER_JOBS_FILE are reconciled at start.
 */
@Module({
  imports: [
    EngineModule.forRootAsync({
      inject: [AppConfig, { token: DataSource, optional: true }],
      useFactory: (config: AppConfig, dataSource?: DataSource) => ({
        store: (clock: Clock): ServiceStore =>
          dataSource ? new MySqlJobStore(dataSource, clock) : new MemoryJobStore({ clock }),
        jobs: { file: config.scheduler.jobsFile },
        scheduler: {
          // The scheduler-wide pause flag is stored beside the jobs, so every replica sees it.
          state: dataSource ? new MySqlSchedulerState(dataSource) : new MemorySchedulerState(),
          owner: config.scheduler.replicaId,
          leaseMs: config.scheduler.leaseSeconds * 1000,
          batchSize: config.scheduler.batchSize,
          maxConcurrency: config.scheduler.maxConcurrency,
          runTimeoutMs: config.scheduler.runTimeoutSeconds * 1000,
          maxPollMs: config.scheduler.maxPollMs,
          minPollMs: config.scheduler.minPollMs,
          // An action is what a run publishes: bounded like any message the service handles.
          maxActionBytes: config.inbound.maxMessageBytes,
          retryPolicy: {
            maxAttempts: config.scheduler.retryMaxAttempts,
            backoff: {
              initialSeconds: config.scheduler.retryInitialSeconds,
              multiplier: config.scheduler.retryMultiplier,
              maxSeconds: config.scheduler.retryMaxSeconds,
              jitter: config.scheduler.retryJitter,
            },
            maxEventAgeSeconds: config.scheduler.retryMaxEventAgeSeconds,
          },
          deadLetterTopic: config.topics.schedulerDeadLetter,
          // Run history, dead runs and scheduler.dead-letter record error text without secrets.
          scrubErrorText: scrubSecrets,
        },
      }),
    }),
  ],
  providers: [SchedulerReadiness],
})
export class SchedulerModule {}
