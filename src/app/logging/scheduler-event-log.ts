import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

import { Scheduler } from '../../scheduler';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Scheduler events as log lines, each with its `jobId` (runs at debug, trouble at warn/error).
 * Through nestjs-pino's PinoLogger: an event caused by an admin request carries its `requestId`.
 */
@Injectable()
export class SchedulerEventLog implements OnModuleInit, OnModuleDestroy {
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly log: PinoLogger,
  ) {
    log.setContext('scheduler');
  }

  onModuleInit(): void {
    const s = this.scheduler;
    const log = this.log;
    this.offs.push(
      // One per job an order or a bulk add schedules: nothing is built when info is off.
      s.on('job.added', (e) => {
        if (log.logger.isLevelEnabled('info'))
          log.info(
            { jobId: e.jobId, replaced: e.replaced, nextRunTime: iso(e.job.nextRunTime) },
            'job added',
          );
      }),
      s.on('job.modified', (e) =>
        log.info(
          { jobId: e.jobId, paused: e.job.paused, nextRunTime: iso(e.job.nextRunTime) },
          'job modified',
        ),
      ),
      s.on('job.removed', (e) => log.info({ jobId: e.jobId }, 'job removed')),
      s.on('job.executed', (e) =>
        log.debug(
          {
            jobId: e.jobId,
            scheduledAt: iso(e.scheduledAt),
            lateMs: e.startedAt.getTime() - e.scheduledAt.getTime(),
            events: e.events.length,
          },
          'job executed',
        ),
      ),
      s.on('job.error', (e) =>
        log.warn(
          { jobId: e.jobId, scheduledAt: iso(e.scheduledAt), outcome: e.outcome, err: e.error },
          'job run failed',
        ),
      ),
      s.on('job.missed', (e) =>
        log.warn(
          {
            jobId: e.jobId,
            scheduledAt: iso(e.scheduledAt),
            lateMs: e.lateMs,
            misfireGraceTime: e.misfireGraceTime,
          },
          'job run missed',
        ),
      ),
      s.on('job.maxInstances', (e) =>
        log.warn(
          { jobId: e.jobId, runs: e.scheduledRunTimes.length, maxInstances: e.maxInstances },
          'job run skipped: max instances',
        ),
      ),
      s.on('scheduler.error', (e) => log.error({ during: e.during, err: e.error }, 'scheduler error')),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
