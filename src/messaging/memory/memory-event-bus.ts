import { Backoff } from '../../scheduler/backoff';
import type { BatchHandler, BusMessage, ConsumerStatus, EventBus, InboundRecord } from '../event-bus';
import { PublishError } from '../errors';
import { silentLogger, type MessagingLogger } from '../logger';
import { describeError, sleep } from '../sleep';

export interface MemoryEventBusOptions {
  /** Records per delivered batch. Default 500. */
  maxBatch?: number;
  /** Consumed (or never consumed) records kept per topic for `recent()`. Default 1000. */
  retainPerTopic?: number;
  /** Back-off before redelivering a batch whose handler threw. Default 100 ms doubling to 5 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  logger?: MessagingLogger;
}

/** A record as the memory bus keeps it, with when it was published. */
export interface RecordedMessage extends InboundRecord {
  timestamp: Date;
}

/** One partition per topic: an offset-ordered log and, when subscribed, the group's committed offset. */
class TopicLog {
  readonly records: RecordedMessage[] = [];
  nextOffset = 0;
  committed: number | null = null;

  pending(max: number): RecordedMessage[] {
    const from = this.committed ?? this.nextOffset;
    const start = this.records.findIndex((r) => Number(r.offset) >= from);
    return start < 0 ? [] : this.records.slice(start, start + max);
  }

  /** Keeps the last `retain` records, and every record not committed yet. */
  trim(retain: number): void {
    let drop = Math.max(0, this.records.length - retain);
    if (this.committed !== null) {
      const uncommitted = this.records.findIndex((r) => Number(r.offset) >= (this.committed as number));
      if (uncommitted >= 0) drop = Math.min(drop, uncommitted);
    }
    if (drop > 0) this.records.splice(0, drop);
  }
}

/**
 * The in-memory EventBus of embedded mode and unit tests, with the Kafka adapter's consumer rules:
 * per-topic order, a batch is committed only when its handler resolved, a throwing handler gets the
 * same records again after a back-off. Nothing survives the process.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, TopicLog>();
  private subscription: { topics: string[]; handler: BatchHandler } | null = null;
  private abort: AbortController | null = null;
  private loops: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly logger: MessagingLogger;

  constructor(private readonly options: MemoryEventBusOptions = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  async publish(messages: BusMessage[]): Promise<void> {
    for (const m of messages)
      if (typeof m.topic !== 'string' || m.topic === '')
        throw new PublishError('every message needs a topic');
    const timestamp = new Date();
    for (const m of messages) {
      const log = this.log(m.topic);
      log.records.push({
        topic: m.topic,
        partition: 0,
        offset: String(log.nextOffset++),
        key: m.key,
        value: Buffer.isBuffer(m.value) ? Buffer.from(m.value) : Buffer.from(m.value, 'utf8'),
        headers: { ...m.headers },
        timestamp,
      });
      log.trim(this.options.retainPerTopic ?? 1000);
    }
    this.notify();
  }

  async ensureTopics(topics: string[]): Promise<void> {
    for (const topic of topics) this.log(topic);
  }

  subscribe(topics: string[], handler: BatchHandler): void {
    this.subscription = { topics: [...new Set(topics)], handler };
    // Like a new Kafka group reading from the beginning: everything still retained is delivered,
    // and from now on nothing is trimmed before it is committed.
    for (const topic of topics) {
      const log = this.log(topic);
      log.committed ??= log.records.length > 0 ? Number(log.records[0].offset) : log.nextOffset;
    }
  }

  async startConsuming(): Promise<void> {
    if (this.abort || !this.subscription) return;
    this.abort = new AbortController();
    const { topics, handler } = this.subscription;
    this.loops = topics.map((topic) => this.consume(topic, handler, (this.abort as AbortController).signal));
  }

  async stopConsuming(): Promise<void> {
    this.abort?.abort();
    this.notify();
    await Promise.all(this.loops);
    this.loops = [];
    this.abort = null;
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }

  consumerStatus(): ConsumerStatus {
    return { state: this.abort ? 'joined' : 'stopped', lastError: null };
  }

  /** The last `limit` messages published to the topic (oldest first). */
  recent(topic: string, limit = 100): RecordedMessage[] {
    const records = this.logs.get(topic)?.records ?? [];
    return records
      .slice(Math.max(0, records.length - limit))
      .map((r) => ({ ...r, headers: { ...r.headers } }));
  }

  /** The first retained and the next offset of a topic (one partition); null if it does not exist. */
  offsets(topic: string): { low: string; high: string } | null {
    const log = this.logs.get(topic);
    if (!log) return null;
    return { low: log.records[0]?.offset ?? String(log.nextOffset), high: String(log.nextOffset) };
  }

  /** Published but not yet committed by the subscribed consumer (0 for a topic nobody consumes). */
  lag(topic: string): number {
    const log = this.logs.get(topic);
    if (!log || log.committed === null) return 0;
    return Math.max(0, log.nextOffset - log.committed);
  }

  topics(): string[] {
    return [...this.logs.keys()];
  }

  /** Resolves once every subscribed topic's published records are committed (tests, embedded demos). */
  async drained(signal?: AbortSignal): Promise<void> {
    while (!this.isDrained() && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  private isDrained(): boolean {
    const topics = this.subscription?.topics ?? [];
    return topics.every((t) => {
      const log = this.logs.get(t);
      return !log || log.committed === null || log.committed >= log.nextOffset;
    });
  }

  private log(topic: string): TopicLog {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = new TopicLog()));
    return log;
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private async consume(topic: string, handler: BatchHandler, signal: AbortSignal): Promise<void> {
    const log = this.log(topic);
    const backoff = new Backoff(this.options.retryBaseMs ?? 100, this.options.retryMaxMs ?? 5000);
    while (!signal.aborted) {
      const records = log.pending(this.options.maxBatch ?? 500);
      if (records.length === 0) {
        await this.nextChange(signal);
        continue;
      }
      try {
        await handler({
          topic,
          partition: 0,
          records: records.map(({ timestamp: _t, ...r }) => ({ ...r, headers: { ...r.headers } })),
          signal,
          isActive: () => !signal.aborted,
          heartbeat: async () => {},
        });
        log.committed = Number(records[records.length - 1].offset) + 1;
        log.trim(this.options.retainPerTopic ?? 1000);
        backoff.reset();
        this.notify();
      } catch (error) {
        if (signal.aborted) break;
        const delay = backoff.next();
        this.logger.warn(
          `memory bus: handler failed on ${topic}@${records[0].offset}, redelivering in ${delay} ms: ${describeError(error)}`,
        );
        await sleep(delay, signal);
      }
    }
  }

  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
