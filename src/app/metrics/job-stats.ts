import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { Clock } from '../../scheduler';
import { CLOCK, JOB_STORE } from '../scheduler/tokens';
import type { ServiceStore } from '../scheduler/scheduler.module';
import { MetricsService } from './metrics.service';

/** UTC DATETIME(3) text, as the MySQL store binds times (the app clock, never the server's NOW()). */
const sqlTime = (date: Date): string => date.toISOString().slice(0, 23).replace('T', ' ');

/**
 * Fills the store-backed gauges on scrape: jobs by state, due backlog, outbox backlog. With MySQL
 * two COUNT queries (the due count is a range scan of idx_scheduler_jobs_due); with the memory
 * store a pass over its jobs.
 */
@Injectable()
export class JobStatsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(JOB_STORE) private readonly store: ServiceStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape('jobs', () => this.collectJobs());
    this.metrics.onScrape('outbox', async () =>
      this.metrics.outboxBacklog.set(await this.store.countUnsent()),
    );
  }

  private async collectJobs(): Promise<void> {
    const counts = this.dataSource ? await this.countSql() : await this.countMemory();
    this.metrics.jobsByState.set({ state: 'scheduled' }, counts.scheduled);
    this.metrics.jobsByState.set({ state: 'paused' }, counts.paused);
    this.metrics.dueBacklog.set(counts.due);
  }

  private async countSql(): Promise<{ scheduled: number; paused: number; due: number }> {
    const ds = this.dataSource as DataSource;
    const byState: Array<{ paused: number | string; n: number | string }> = await ds.query(
      'SELECT paused, COUNT(*) AS n FROM scheduler_jobs GROUP BY paused',
    );
    const due: Array<{ n: number | string }> = await ds.query(
      'SELECT COUNT(*) AS n FROM scheduler_jobs FORCE INDEX (idx_scheduler_jobs_due) ' +
        'WHERE next_run_time <= ? AND paused = 0',
      [sqlTime(this.clock.now())],
    );
    const count = (paused: number): number =>
      Number(byState.find((row) => Number(row.paused) === paused)?.n ?? 0);
    return { scheduled: count(0), paused: count(1), due: Number(due[0]?.n ?? 0) };
  }

  private async countMemory(): Promise<{ scheduled: number; paused: number; due: number }> {
    const now = this.clock.now().getTime();
    const counts = { scheduled: 0, paused: 0, due: 0 };
    for (const job of await this.store.getJobs()) {
      if (job.paused) counts.paused++;
      else counts.scheduled++;
      if (!job.paused && job.nextRunTime && job.nextRunTime.getTime() <= now) counts.due++;
    }
    return counts;
  }
}
