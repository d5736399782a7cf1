import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { MySqlJobStore } from '../../persistence/mysql-job-store';
import { MySqlSchedulerState } from '../../persistence/mysql-scheduler-state';
import {
  type Clock,
  type JobStore,
  MemoryJobStore,
  MemorySchedulerState,
  type OutboxStore,
  Scheduler,
  SystemClock,
} from '../../scheduler';
import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from '../health/readiness';
import { CLOCK, JOB_STORE } from './tokens';

export type ServiceStore = JobStore & OutboxStore;

/**
 * Starts the engine once every module has registered its action handlers (they do so in
 * onModuleInit, which Nest runs before onApplicationBootstrap), and stops it on SIGTERM after
 * letting running runs finish and commit.
 */
@Injectable()
class SchedulerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly scheduler: Scheduler,
    @Inject(JOB_STORE) private readonly store: ServiceStore,
    registry: ReadinessRegistry,
  ) {
    registry.register({
      name: 'scheduler',
      check: async () =>
        this.scheduler.running && this.scheduler.healthy
          ? { status: 'up' }
          : { status: 'down', detail: describe(this.scheduler.lastError) ?? 'not running' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.start();
    await this.scheduler.start();
    this.logger.log(`scheduler started as ${this.scheduler.owner}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.shutdown({ wait: true });
    await this.store.stop();
  }
}

function describe(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  return error instanceof Error ? error.message : String(error);
}

/** The engine as the service uses it: MySQL store when a database is configured, memory otherwise. */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useFactory: (): Clock => new SystemClock() },
    {
      provide: JOB_STORE,
      inject: [CLOCK, { token: DataSource, optional: true }],
      useFactory: (clock: Clock, dataSource?: DataSource): ServiceStore =>
        dataSource ? new MySqlJobStore(dataSource, clock) : new MemoryJobStore({ clock }),
    },
    {
      provide: Scheduler,
      inject: [JOB_STORE, CLOCK, AppConfig, { token: DataSource, optional: true }],
      useFactory: (
        store: ServiceStore,
        clock: Clock,
        config: AppConfig,
        dataSource?: DataSource,
      ): Scheduler =>
        new Scheduler({
          store,
          clock,
          // The scheduler-wide pause flag is stored beside the jobs, so every replica sees it.
          state: dataSource ? new MySqlSchedulerState(dataSource) : new MemorySchedulerState(),
          owner: config.scheduler.replicaId,
          leaseMs: config.scheduler.leaseSeconds * 1000,
          batchSize: config.scheduler.batchSize,
          maxConcurrency: config.scheduler.maxConcurrency,
          runTimeoutMs: config.scheduler.runTimeoutSeconds * 1000,
          maxPollMs: config.scheduler.maxPollMs,
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
        }),
    },
    SchedulerLifecycle,
  ],
  exports: [CLOCK, JOB_STORE, Scheduler],
})
export class SchedulerModule {}
