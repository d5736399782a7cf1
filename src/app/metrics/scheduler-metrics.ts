import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

import { type AcquireRequest, type Job, Scheduler } from '../../scheduler';
import { JOB_STORE } from '../scheduler/tokens';
import type { ServiceStore } from '../scheduler/scheduler.module';
import { MetricsService } from './metrics.service';

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/** Turns scheduler events into run counters and lateness histograms, and times each claim. */
@Injectable()
export class SchedulerMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly metrics: MetricsService,
    private readonly scheduler: Scheduler,
    @Inject(JOB_STORE) private readonly store: ServiceStore,
  ) {}

  onModuleInit(): void {
    const { jobRuns, fireLateness, retriesScheduled, deadRuns } = this.metrics;
    this.unsubscribe.push(
      this.scheduler.on('job.executed', (e) => {
        jobRuns.inc({ outcome: 'success' });
        fireLateness.observe({ stage: 'start' }, seconds(e.scheduledAt, e.startedAt));
        fireLateness.observe({ stage: 'finish' }, seconds(e.scheduledAt, e.finishedAt));
      }),
      this.scheduler.on('job.error', (e) => {
        jobRuns.inc({ outcome: e.outcome });
        if (e.startedAt) fireLateness.observe({ stage: 'start' }, seconds(e.scheduledAt, e.startedAt));
        fireLateness.observe({ stage: 'finish' }, seconds(e.scheduledAt, e.finishedAt));
      }),
      this.scheduler.on('job.retryScheduled', () => retriesScheduled.inc()),
      this.scheduler.on('job.dead', (e) => deadRuns.inc({ handler: e.handler })),
      this.scheduler.on('job.missed', () => jobRuns.inc({ outcome: 'missed' })),
      this.scheduler.on('job.maxInstances', (e) =>
        jobRuns.inc({ outcome: 'max_instances' }, e.scheduledRunTimes.length),
      ),
    );
    this.instrumentClaims();
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /**
   * The engine has no claim event, so the claim call is observed on the store instance the
   * scheduler holds (Nest runs this before the scheduler starts, in onApplicationBootstrap).
   */
  private instrumentClaims(): void {
    const store = this.store;
    const original = store.acquireDueJobs.bind(store);
    const histogram = this.metrics.claimBatchSize;
    store.acquireDueJobs = async (request: AcquireRequest): Promise<Job[]> => {
      const jobs = await original(request);
      histogram.observe(jobs.length);
      return jobs;
    };
  }
}
