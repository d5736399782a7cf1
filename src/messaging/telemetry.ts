import { TypedEmitter } from '../scheduler';

/** What messaging reports for metrics; src/app/metrics subscribes with `on(...)` or reads `snapshot()`. */
export interface MessagingEventMap {
  /** One message sent to `<sourceTopic>.dlq`. */
  'inbound.deadLettered': { sourceTopic: string; code: string };
  /** A batch handled and committed. */
  'inbound.handled': { topic: string; partition: number; count: number; durationMs: number };
  /** A handler or dead-letter publish failed; the batch will be retried. */
  'inbound.retry': { topic: string; partition: number; error: unknown };
  /** One relay batch published and marked sent. Per event (same index): topic, and latency from outbox commit to broker ack. */
  'outbox.published': { count: number; batchMs: number; latenciesMs: number[]; topics: string[] };
  /** A relay attempt failed (publish or store); it backs off and tries again. */
  'outbox.error': { error: unknown; backlog: number | null };
  /** Unsent outbox rows, as last counted by the relay. */
  'outbox.backlog': { backlog: number };
  /** A topic left out of (or back in) the relay's main flow: publishing to it fails permanently. */
  'outbox.isolated': { topic: string; isolated: boolean };
  /** Outbox events given up on and announced on the dead-letter topic. */
  'outbox.deadLettered': { topic: string; count: number };
}

export interface MessagingSnapshot {
  deadLettered: number;
  outboxPublished: number;
  outboxBacklog: number | null;
  lastPublishLatencyMs: number | null;
}

/** One per process (a Nest provider): messaging emits, metrics listens. Never throws into messaging. */
export class MessagingTelemetry extends TypedEmitter<MessagingEventMap> {
  private readonly counts: MessagingSnapshot = {
    deadLettered: 0,
    outboxPublished: 0,
    outboxBacklog: null,
    lastPublishLatencyMs: null,
  };

  override emit<K extends keyof MessagingEventMap>(name: K, payload: MessagingEventMap[K]): void {
    this.count({ name, payload } as Emitted);
    super.emit(name, payload);
  }

  snapshot(): MessagingSnapshot {
    return { ...this.counts };
  }

  private count(event: Emitted): void {
    switch (event.name) {
      case 'inbound.deadLettered':
        this.counts.deadLettered++;
        break;
      case 'outbox.published': {
        const { count, latenciesMs } = event.payload;
        this.counts.outboxPublished += count;
        if (latenciesMs.length > 0) this.counts.lastPublishLatencyMs = latenciesMs[latenciesMs.length - 1];
        break;
      }
      case 'outbox.backlog':
        this.counts.outboxBacklog = event.payload.backlog;
        break;
    }
  }
}

type Emitted = {
  [K in keyof MessagingEventMap]: { name: K; payload: MessagingEventMap[K] };
}[keyof MessagingEventMap];
