import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';

import type { OutboxRelay } from '../messaging/outbox-relay';
import { checkDefinitionActions, type ReconcileReport, reconcileJobs, Scheduler } from '../scheduler';
import { DecoratedJobsExplorer } from './explorer';
import { type JobsFile, readJobsFile } from './jobs-file';
import type { SchedulerModuleOptions, SchedulerStore } from './options';
import { SCHEDULER_MODULE_OPTIONS, SCHEDULER_RELAY, SCHEDULER_STORE } from './tokens';

/**
 * Init: decorated handlers registered (before any consumer starts and asks whether a handler
 * exists), decorated jobs and the jobs file validated. Bootstrap: the store starts, definitions
 * are reconciled, the scheduler starts (then the relay). Shutdown: runs in flight finish and
 * commit, then the relay and the store stop.
 */
@Injectable()
export class SchedulerModuleLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('scheduler');
  private file: JobsFile | null = null;
  /** What the reconciler did at start, per source (for logs and tests). */
  readonly reports: ReconcileReport[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly explorer: DecoratedJobsExplorer,
    @Inject(SCHEDULER_STORE) private readonly store: SchedulerStore,
    @Inject(SCHEDULER_MODULE_OPTIONS) private readonly options: SchedulerModuleOptions,
    @Inject(SCHEDULER_RELAY) private readonly relay: OutboxRelay | null,
  ) {}

  onModuleInit(): void {
    for (const [name, { module, ...options }] of Object.entries(this.options.workerHandlers ?? {}))
      this.scheduler.registerWorkerHandler(name, module, options);
    this.explorer.explore();
    const path = this.options.jobs?.file;
    if (path) this.file = readJobsFile(path);
  }

  /** Every definition's action, checked once every module has registered its handlers. */
  private checkActions(): void {
    checkDefinitionActions(this.scheduler, this.explorer.definitions, '@ScheduledJob');
    if (this.file) checkDefinitionActions(this.scheduler, this.file.definitions, this.options.jobs?.file);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.checkActions();
    await this.store.start();
    const jobs = this.options.jobs ?? {};
    const appliedBy = this.scheduler.owner;
    this.reports.push(
      await reconcileJobs(this.scheduler, {
        source: jobs.source ?? 'code',
        version: jobs.version ?? 0,
        definitions: this.explorer.definitions,
        appliedBy,
      }),
    );
    if (this.file)
      this.reports.push(
        await reconcileJobs(this.scheduler, {
          source: 'file',
          version: this.file.version,
          definitions: this.file.definitions,
          appliedBy,
        }),
      );
    for (const r of this.reports) if (r.outcome !== 'unchanged') this.logger.log(describe(r));
    await this.scheduler.start({ paused: this.options.startPaused ?? false });
    this.relay?.start();
    this.logger.log(`scheduler started as ${this.scheduler.owner}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.running) await this.scheduler.shutdown({ wait: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.store.stop();
  }
}

function describe(r: ReconcileReport): string {
  if (r.outcome === 'superseded')
    return `job definitions '${r.source}' v${r.version} not applied: the store holds v${r.storedVersion}`;
  const parts = (['added', 'rescheduled', 'modified', 'removed'] as const)
    .filter((k) => r[k].length > 0)
    .map((k) => `${k} ${r[k].join(', ')}`);
  return `job definitions '${r.source}' v${r.version} applied${parts.length ? `: ${parts.join('; ')}` : ''}`;
}
