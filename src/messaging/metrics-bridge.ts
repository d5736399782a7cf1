import { Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';

import { MetricsService } from '../app/metrics/metrics.service';
import { InboundPipeline } from './inbound/inbound-pipeline';
import { OutboxRelay } from './outbox-relay';
import { MessagingTelemetry } from './telemetry';

/** Feeds messaging telemetry into /metrics (when the metrics module is loaded). */
@Injectable()
export class MessagingMetricsBridge implements OnModuleDestroy {
  private readonly off: Array<() => void> = [];

  constructor(
    telemetry: MessagingTelemetry,
    relay: OutboxRelay,
    pipeline: InboundPipeline,
    @Optional() metrics?: MetricsService,
  ) {
    if (!metrics) return;
    metrics.onScrape('relay', async () => {
      const { leader, shards } = relay.status();
      metrics.relayLeader.set(leader ? 1 : 0);
      metrics.relayShards.set(shards.length);
    });
    metrics.onScrape('inbound-stuck', async () => {
      metrics.inboundStuck.reset();
      for (const p of pipeline.stuck.list())
        metrics.inboundStuck.set({ topic: p.topic, partition: String(p.partition) }, p.seconds);
    });
    this.off.push(
      telemetry.on('outbox.published', ({ topics, latenciesMs }) => {
        topics.forEach((topic, i) => metrics.recordPublished(topic, latenciesMs[i] / 1000));
      }),
      telemetry.on('inbound.deadLettered', ({ sourceTopic, code }) =>
        metrics.recordDeadLetter(sourceTopic, code),
      ),
      telemetry.on('outbox.deadLettered', ({ topic, count }) =>
        metrics.outboxDeadLettered.inc({ topic }, count),
      ),
      telemetry.on('outbox.isolated', ({ topic, isolated }) => {
        if (isolated) metrics.outboxIsolatedTopics.set({ topic }, 1);
        else metrics.outboxIsolatedTopics.remove({ topic });
      }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.off) off();
  }
}
