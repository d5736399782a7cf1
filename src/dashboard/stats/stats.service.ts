import { Inject, Injectable } from '@nestjs/common';

import { CLOCK, JOB_STORE } from '../../app/scheduler/tokens';
import type { ServiceStore } from '../../app/scheduler/scheduler.module';
import { DeadLetterReplayer } from '../../messaging/dead-letters/dead-letter-replayer';
import type { InboundLagReader } from '../../messaging/inbound/inbound-lag';
import { InboundRegistry } from '../../messaging/inbound/inbound-registry';
import type { Clock } from '../../scheduler';
import { addCounts, mergeActivity, quantile, WINDOW_MINUTES } from '../activity/minute-buckets';
import { HEARTBEAT_MS, REPLICA_REGISTRY, ReplicaHeartbeat } from '../replicas/replica-heartbeat';
import type { ReplicaRegistry, ReplicaReport } from '../replicas/replica-registry';
import { JOB_COUNTS_READER, type JobCounts, type JobCountsReader } from './job-counts';
import type { ActivityView, MessagingView, ReplicaView } from './stats-views';

export type { ActivityView, MessagingView, ReplicaView };

export const INBOUND_LAG_READER = Symbol('INBOUND_LAG_READER');
/** A replica counts as seen recently if it reported within this many heartbeats. */
const RECENT_BEATS = 6;

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** What the dashboard's overview reads, computed through the ports (never SQL of its own). */
@Injectable()
export class StatsService {
  constructor(
    @Inject(JOB_COUNTS_READER) private readonly jobCounts: JobCountsReader,
    @Inject(JOB_STORE) private readonly store: ServiceStore,
    @Inject(REPLICA_REGISTRY) private readonly registry: ReplicaRegistry,
    @Inject(INBOUND_LAG_READER) private readonly lagReader: InboundLagReader,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly heartbeat: ReplicaHeartbeat,
    private readonly inbound: InboundRegistry,
    private readonly deadLetters: DeadLetterReplayer,
  ) {}

  jobs(): Promise<JobCounts> {
    return this.jobCounts.counts(this.clock.now());
  }

  async activity(): Promise<ActivityView> {
    const now = this.clock.now();
    const merged = mergeActivity(
      (await this.replicas()).map((r) => r.activity),
      now,
    );
    const lateness = addCounts(merged.map((m) => m.lateness));
    const publish = addCounts(merged.map((m) => m.publishLatency));
    return {
      windowMinutes: WINDOW_MINUTES,
      minutes: merged.map((m) => ({
        minute: new Date(m.minute).toISOString(),
        fires: m.fires,
        errors: m.errors,
        latenessP50: round(quantile(m.lateness, 0.5)),
        latenessP99: round(quantile(m.lateness, 0.99)),
        published: m.published,
      })),
      lastHour: {
        fires: merged.reduce((n, m) => n + m.fires, 0),
        errors: merged.reduce((n, m) => n + m.errors, 0),
        latenessP50: round(quantile(lateness, 0.5)),
        latenessP99: round(quantile(lateness, 0.99)),
        published: merged.reduce((n, m) => n + m.published, 0),
        publishLatencyP50: round(quantile(publish, 0.5)),
        publishLatencyP99: round(quantile(publish, 0.99)),
      },
    };
  }

  async messaging(): Promise<MessagingView> {
    const replicas = await this.replicas();
    const publish = addCounts(replicas.flatMap((r) => r.activity.map((m) => m.publishLatency)));
    const topics = this.inbound.topics();
    const [lags, dlq, backlog] = await Promise.all([
      this.lagReader.lag(topics),
      this.deadLetters.summary(),
      this.store.countUnsent(),
    ]);
    return {
      outbox: {
        backlog,
        relayLeader: replicas.find((r) => r.relayShards.includes(0))?.replicaId ?? null,
        relays: replicas
          .filter((r) => r.relayShards.length > 0)
          .map((r) => ({ replicaId: r.replicaId, shards: r.relayShards })),
        publishLatencyP50: round(quantile(publish, 0.5)),
        publishLatencyP99: round(quantile(publish, 0.99)),
      },
      inbound: topics.map((topic) => {
        const partitions = lags.filter((l) => l.topic === topic);
        const d = dlq.find((x) => x.topic === topic);
        return {
          topic,
          lag: partitions.reduce((n, p) => n + p.lag, 0),
          partitions: partitions.map((p) => ({ partition: p.partition, lag: p.lag })),
          deadLetters: d?.count ?? 0,
          replayed: d?.replayed ?? 0,
        };
      }),
    };
  }

  async replicaViews(): Promise<ReplicaView[]> {
    const self = this.heartbeat.current().replicaId;
    return (await this.replicas()).map((r) => ({
      replicaId: r.replicaId,
      startedAt: r.startedAt.toISOString(),
      seenAt: r.seenAt.toISOString(),
      relayLeader: r.relayShards.length > 0,
      relayShards: r.relayShards,
      leasesHeld: r.leasesHeld,
      leasedJobIds: r.leasedJobIds,
      self: r.replicaId === self,
    }));
  }

  /** Replicas seen recently, this one always included with its state as of now. */
  private async replicas(): Promise<ReplicaReport[]> {
    const own = this.heartbeat.current();
    const since = new Date(own.seenAt.getTime() - RECENT_BEATS * HEARTBEAT_MS);
    const others = (await this.registry.seenSince(since)).filter((r) => r.replicaId !== own.replicaId);
    return [own, ...others];
  }
}
