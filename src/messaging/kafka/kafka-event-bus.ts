import { type Consumer, type EachBatchPayload, type Kafka, Partitioners, type Producer } from 'kafkajs';

import type { BatchHandler, BusMessage, ConsumerState, ConsumerStatus, EventBus } from '../event-bus';
import { PublishError } from '../errors';
import { silentLogger, type MessagingLogger } from '../logger';
import { describeError, sleep } from '../sleep';
import { groupByTopic, toInboundRecord } from './kafka-records';
import { createMissingTopics } from './kafka-topics';
import { permanentReason } from './publish-errors';
import { TopicDirectory } from './topic-directory';

/** Longest a stop waits for a restart kafkajs began after a crash to join or fail. */
const RESTART_SETTLE_MS = 10_000;

export interface KafkaEventBusOptions {
  groupId: string;
  /** Where a group without committed offsets starts (KAFKA_CONSUME_FROM_BEGINNING). */
  fromBeginning: boolean;
  /** Partitions and replication of topics ensureTopics creates. */
  topicPartitions: number;
  replicationFactor: number;
  /** Records per handler call; a large fetched batch is handled and committed in chunks of this. */
  maxBatch: number;
  /** Partitions handled at once (KAFKA_PARTITIONS_CONCURRENTLY). */
  partitionsConcurrently: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Producer retries before publish() rejects (the caller backs off). Default 5. */
  producerRetries?: number;
  /** close() waits this long for a send in flight, then disconnects anyway. Default 3 s. */
  closeGraceMs?: number;
  logger?: MessagingLogger;
}

/**
 * The kafkajs adapter. Producer: idempotent, acks=all, one request in flight (keeps order), one
 * send at a time (kafkajs's idempotent producer is experimental under concurrency). Consumer: manual
 * offsets, committed only after the handler of a chunk resolved; a throwing handler's records are
 * sought back to and fetched again.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private producer: Promise<Producer> | null = null;
  private sending: Promise<unknown> = Promise.resolve();
  private consumer: Consumer | null = null;
  private subscription: { topics: string[]; handler: BatchHandler } | null = null;
  private abort = new AbortController();
  private state: ConsumerState = 'stopped';
  private lastConsumerError: string | null = null;
  /** Settles when a consumer kafkajs restarts after a crash has started fetching or crashed again. */
  private restarting: Promise<void> | null = null;
  private restarted: (() => void) | null = null;
  private readonly logger: MessagingLogger;
  private readonly topics: TopicDirectory;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaEventBusOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.topics = new TopicDirectory(kafka);
  }

  publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const send = this.sending.then(() => this.send(messages));
    this.sending = send.catch(() => undefined);
    return send;
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await createMissingTopics(
        admin,
        topics,
        { numPartitions: this.options.topicPartitions, replicationFactor: this.options.replicationFactor },
        this.logger,
      );
    } finally {
      await admin.disconnect();
    }
  }

  subscribe(topics: string[], handler: BatchHandler): void {
    this.subscription = { topics: [...new Set(topics)], handler };
  }

  async startConsuming(): Promise<void> {
    if (this.consumer || !this.subscription || this.subscription.topics.length === 0) return;
    const { topics, handler } = this.subscription;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.state = 'starting';
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer on a timer of its own; once stopping, it must not.
      retry: { restartOnFailure: () => Promise.resolve(!signal.aborted) },
    });
    this.watch(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConcurrently,
        eachBatch: (payload) => this.eachBatch(consumer, handler, payload),
      });
    } catch (error) {
      this.state = 'crashed';
      this.lastConsumerError = describeError(error);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.consumer = consumer;
  }

  async stopConsuming(): Promise<void> {
    this.abort.abort();
    const consumer = this.consumer;
    this.consumer = null;
    // A restart kafkajs began after a crash (joining, reading metadata) is not cancelled by
    // disconnect() and would run on after it: let it settle first, for a bounded time.
    if (this.restarting) {
      const bound = new AbortController();
      await Promise.race([this.restarting, sleep(RESTART_SETTLE_MS, bound.signal)]);
      bound.abort();
    }
    // disconnect() waits for the batches in flight, which give up their retries on the abort above.
    await consumer?.disconnect();
    this.state = 'stopped';
  }

  /** A send that cannot finish (broker gone) is not waited for past closeGraceMs: its messages stay in the outbox. */
  async close(): Promise<void> {
    await this.stopConsuming();
    const grace = new AbortController();
    await Promise.race([this.sending, sleep(this.options.closeGraceMs ?? 3000, grace.signal)]);
    grace.abort();
    const producer = this.producer;
    this.producer = null;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
    await this.topics.close();
  }

  /** For readiness: is the consumer in its group, and if not, why. */
  consumerStatus(): ConsumerStatus {
    return { state: this.state, lastError: this.lastConsumerError };
  }

  private async send(messages: BusMessage[]): Promise<void> {
    const topics = [...new Set(messages.map((m) => m.topic))];
    await this.refuseMissingTopics(topics);
    const producer = await this.connectedProducer();
    try {
      await producer.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
    } catch (error) {
      // A fresh producer (new producer id, new sequence numbers) after any failure: the
      // experimental idempotent producer can wedge on stale sequence state after a broker restart.
      this.producer = null;
      await producer.disconnect().catch(() => undefined);
      const reason = permanentReason(error);
      if (reason === 'UNKNOWN_TOPIC') this.topics.forget(topics);
      throw new PublishError(
        `publishing ${messages.length} message(s) failed: ${describeError(error)}`,
        error,
        reason,
        topics.length === 1 ? topics : undefined,
      );
    }
  }

  /** Fails at once, sending nothing, when a topic does not exist (no auto-creation here). */
  private async refuseMissingTopics(topics: string[]): Promise<void> {
    let missing: string[];
    try {
      missing = await this.topics.missing(topics);
    } catch (error) {
      throw new PublishError(`cannot look up topics: ${describeError(error)}`, error);
    }
    if (missing.length > 0) {
      throw new PublishError(
        `topic ${missing.join(', ')} does not exist (UNKNOWN_TOPIC_OR_PARTITION)`,
        undefined,
        'UNKNOWN_TOPIC',
        missing,
      );
    }
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Finite retries: the idempotent producer's default is to retry forever, hiding outages.
        retry: { retries: this.options.producerRetries ?? 5, initialRetryTime: 300, maxRetryTime: 5000 },
      });
      this.producer = producer.connect().then(
        () => producer,
        (error: unknown) => {
          this.producer = null;
          throw new PublishError(`cannot connect the Kafka producer: ${describeError(error)}`, error);
        },
      );
    }
    return this.producer;
  }

  private async eachBatch(
    consumer: Consumer,
    handler: BatchHandler,
    payload: EachBatchPayload,
  ): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const signal = this.abort.signal;
    const isActive = (): boolean => isRunning() && !isStale() && !signal.aborted;
    const records = batch.messages.map((m) => toInboundRecord(batch.topic, batch.partition, m));
    for (let i = 0; i < records.length; i += this.options.maxBatch) {
      if (!isActive()) return;
      const chunk = records.slice(i, i + this.options.maxBatch);
      try {
        await handler({
          topic: batch.topic,
          partition: batch.partition,
          records: chunk,
          signal,
          isActive,
          heartbeat,
        });
      } catch (error) {
        // Nothing of this chunk is resolved: fetch it again (unless we are stopping or lost it).
        if (isActive()) {
          this.logger.warn(
            `handler failed on ${batch.topic}/${batch.partition}@${chunk[0].offset}: ${describeError(error)}`,
          );
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: chunk[0].offset });
          await sleep(1000, signal);
        }
        return;
      }
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      try {
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
        ]);
      } catch (error) {
        // Handled but not committed (e.g. a rebalance): at worst redelivered, and handlers dedupe.
        this.logger.warn(
          `offset commit failed on ${batch.topic}/${batch.partition}@${last}: ${describeError(error)}`,
        );
        return;
      }
      await heartbeat();
    }
  }

  private watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.state = 'joined';
      this.lastConsumerError = null;
    });
    // A restart is over at its first fetch, not at the join: kafkajs syncs (reads metadata) after
    // joining, and a disconnect() in between does not stop that sync from starting the fetches.
    consumer.on(consumer.events.FETCH_START, () => this.settleRestart());
    consumer.on(consumer.events.REBALANCING, () => {
      this.state = 'rebalancing';
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.lastConsumerError = describeError(event.payload.error);
      this.state = event.payload.restart ? 'starting' : 'crashed';
      this.settleRestart();
      if (event.payload.restart) this.restarting = new Promise<void>((resolve) => (this.restarted = resolve));
      this.logger.error(
        `Kafka consumer crashed (restart: ${event.payload.restart}): ${this.lastConsumerError}`,
      );
    });
  }

  private settleRestart(): void {
    this.restarted?.();
    this.restarted = null;
    this.restarting = null;
  }
}
