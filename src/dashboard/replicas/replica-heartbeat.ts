import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';

import { AppConfig } from '../../app/config/app-config';
import { CLOCK } from '../../app/scheduler/tokens';
import { OutboxRelay } from '../../messaging/outbox-relay';
import { MessagingTelemetry } from '../../messaging/telemetry';
import { type Clock, Scheduler } from '../../scheduler';
import { ActivityWindow } from '../activity/minute-buckets';
import type { ReplicaRegistry, ReplicaReport } from './replica-registry';

export const REPLICA_REGISTRY = Symbol('REPLICA_REGISTRY');
/** How often a replica reports; "seen recently" on the overview means within 3 of these. */
export const HEARTBEAT_MS = 5000;
const PRUNE_AFTER_MS = 24 * 3600_000;
const MAX_LEASED_IDS = 50;

/**
 * This replica's heartbeat: counts its fires (with lateness) and publishes per minute from the
 * engine's and the relay's events, tracks the runs it holds leases for, and reports all of it to
 * the ReplicaRegistry every few seconds.
 */
@Injectable()
export class ReplicaHeartbeat implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('replicas');
  private readonly activity = new ActivityWindow();
  private readonly inFlight = new Map<string, number>();
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private startedAt!: Date;

  constructor(
    @Inject(REPLICA_REGISTRY) private readonly registry: ReplicaRegistry,
    private readonly scheduler: Scheduler,
    private readonly relay: OutboxRelay,
    private readonly telemetry: MessagingTelemetry,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.startedAt = this.clock.now();
    const late = (scheduledAt: Date, startedAt: Date | null): number | null =>
      startedAt ? (startedAt.getTime() - scheduledAt.getTime()) / 1000 : null;
    this.unsubscribe.push(
      this.scheduler.on('job.submitted', (e) =>
        this.inFlight.set(e.jobId, (this.inFlight.get(e.jobId) ?? 0) + 1),
      ),
      this.scheduler.on('job.executed', (e) => {
        this.settle(e.jobId);
        this.activity.recordFire(e.startedAt, late(e.scheduledAt, e.startedAt), true);
      }),
      this.scheduler.on('job.error', (e) => {
        this.settle(e.jobId);
        this.activity.recordFire(e.startedAt ?? e.finishedAt, late(e.scheduledAt, e.startedAt), false);
      }),
      this.telemetry.on('outbox.published', (e) =>
        this.activity.recordPublished(this.clock.now(), e.latenciesMs),
      ),
    );
    void this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** This replica's report as of now (also what the overview shows for it when the store lags). */
  current(): ReplicaReport {
    const now = this.clock.now();
    const ids = [...this.inFlight.keys()];
    return {
      replicaId: this.config.scheduler.replicaId as string,
      startedAt: this.startedAt ?? now,
      seenAt: now,
      relayShards: this.relay.status().shards,
      leasesHeld: [...this.inFlight.values()].reduce((a, b) => a + b, 0),
      leasedJobIds: ids.slice(0, MAX_LEASED_IDS),
      activity: this.activity.snapshot(now),
    };
  }

  /** Reports now (the timer calls it; tests and the overview may too). */
  async beat(): Promise<void> {
    try {
      const report = this.current();
      await this.registry.report(report);
      await this.registry.prune(new Date(report.seenAt.getTime() - PRUNE_AFTER_MS));
    } catch (error) {
      this.logger.warn(`heartbeat not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private settle(jobId: string): void {
    const n = (this.inFlight.get(jobId) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(jobId);
    else this.inFlight.set(jobId, n);
  }
}
