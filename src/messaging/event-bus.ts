/**
 * The EventBus port: everything the service says to or hears from the broker goes through it, so
 * kafkajs (unmaintained) stays in one adapter and tests and embedded mode use the memory adapter.
 */

/** One message to publish. Values are sent as given: a string is UTF-8 encoded, a Buffer as is. */
export interface BusMessage {
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers: Record<string, string>;
}

/** One consumed message, raw: parsing and validation are the inbound pipeline's job. */
export interface InboundRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
  key: string | null;
  /** Raw bytes (null for a tombstone). */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Consecutive records of one partition, delivered in offset order. */
export interface InboundBatch {
  topic: string;
  partition: number;
  records: InboundRecord[];
  /** Aborted when the bus stops consuming: a handler retrying should give up (and throw). */
  signal: AbortSignal;
  /** False once the bus is stopping or the partition was taken away by a rebalance. */
  isActive(): boolean;
  /** Keeps the consumer's group membership alive during a long retry. */
  heartbeat(): Promise<void>;
}

/**
 * Called once per batch. Resolving commits the batch's offsets; throwing commits nothing from it
 * and the bus delivers the same records again later (after a back-off, or to whoever owns the
 * partition next). So a batch is committed only after its handler (and its database commit) succeeded.
 */
export type BatchHandler = (batch: InboundBatch) => Promise<void>;

export interface EventBus {
  /** 'kafka' or 'memory' (embedded mode and unit tests). */
  readonly kind: 'kafka' | 'memory';
  /**
   * Publishes the messages and resolves once the broker acknowledged all of them (acks=all).
   * Messages with the same topic and key are published in the order given. Rejects with a
   * PublishError; some of the messages may have been published (callers retry, consumers dedupe).
   */
  publish(messages: BusMessage[]): Promise<void>;
  /** Creates the topics that do not exist yet (no-op where topics need no creation). */
  ensureTopics(topics: string[]): Promise<void>;
  /** Declares what to consume; call before startConsuming(). One handler for all the topics. */
  subscribe(topics: string[], handler: BatchHandler): void;
  startConsuming(): Promise<void>;
  /** Stops fetching and waits for batches in flight; their offsets stay uncommitted unless they finished. */
  stopConsuming(): Promise<void>;
  /** Stops consuming and releases connections. */
  close(): Promise<void>;
  /** For readiness: whether the consumer is in its group, and if not, why. */
  consumerStatus(): ConsumerStatus;
}

export type ConsumerState = 'stopped' | 'starting' | 'joined' | 'rebalancing' | 'crashed';

export interface ConsumerStatus {
  state: ConsumerState;
  lastError: string | null;
}

/** The dead-letter topic of an inbound topic. */
export function dlqTopicFor(topic: string): string {
  return `${topic}.dlq`;
}
