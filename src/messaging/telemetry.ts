import { TypedEmitter } from '../scheduler';

/** What messaging reports for metrics; src/app/metrics subscribes with `on(...)`. */
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

/** One per process (a Nest provider): messaging emits, metrics listens. Never throws into messaging. */
export class MessagingTelemetry extends TypedEmitter<MessagingEventMap> {}
