import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';

import type { Clock } from '../../scheduler';
import { CLOCK, JOB_STORE } from '../scheduler/tokens';
import type { ServiceStore } from '../scheduler/scheduler.module';
import { MetricsService } from './metrics.service';

/** Fills the store-backed gauges on scrape: jobs by state, due backlog, outbox backlog (store counts). */
@Injectable()
export class JobStatsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(JOB_STORE) private readonly store: ServiceStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape('jobs', () => this.collectJobs());
    this.metrics.onScrape('outbox', async () =>
      this.metrics.outboxBacklog.set(await this.store.countUnsent()),
    );
  }

  private async collectJobs(): Promise<void> {
    const counts = await this.store.countJobs(this.clock.now());
    this.metrics.jobsByState.set({ state: 'scheduled' }, counts.scheduled);
    this.metrics.jobsByState.set({ state: 'paused' }, counts.paused);
    this.metrics.dueBacklog.set(counts.due);
  }
}
