import { Injectable } from '@nestjs/common';
import { ActionHandler, ScheduledJob } from 'delayed-action-service/nest';
import type { RunContext } from 'delayed-action-service/scheduler';

/** Prints one JSON line per run, so whoever runs the example (and its tests) can follow it. */
function log(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

@Injectable()
export class Reports {
  /** Every second, on every replica's shared store: one run per due time across replicas. */
  @ScheduledJob('interval', { id: 'example.tick', seconds: 1, coalesce: true, max_instances: 1 })
  tick(ctx: RunContext): void {
    log('tick', {
      jobId: ctx.jobId,
      scheduledAt: ctx.scheduledAt.toISOString(),
      replica: process.env.REPLICA_ID,
    });
  }

  /** APScheduler's `@sched.scheduled_job('cron', id='nightly', day='last sun', hour=3)`. */
  @ScheduledJob('cron', { id: 'example.nightly', day: 'last sun', hour: 3, misfireGraceTime: 3600 })
  nightly(ctx: RunContext): void {
    log('nightly', { scheduledAt: ctx.scheduledAt.toISOString() });
  }

  /** A named action: jobs added at run time (add_job, REST, Kafka) name it. */
  @ActionHandler('example.greet')
  greet(ctx: RunContext): void {
    log('greet', { jobId: ctx.jobId, args: ctx.args });
  }
}
