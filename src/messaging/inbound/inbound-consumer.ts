import { Backoff } from '../../scheduler/backoff';
import { dlqTopicFor, type EventBus } from '../event-bus';
import { silentLogger, type MessagingLogger } from '../logger';
import { describeError, sleep } from '../sleep';
import type { InboundPipeline } from './inbound-pipeline';
import type { InboundRegistry } from './inbound-registry';

export interface InboundConsumerOptions {
  /** Create these topics (plus the inbound ones and their .dlq) before consuming; [] = create none. */
  createTopics: string[] | false;
  /** How often a crashed consumer is looked at and restarted. Default 5 s. */
  superviseEveryMs?: number;
  /** A partition retrying one offset this long makes status() 'degraded'. Default 60 s. */
  stuckAfterMs?: number;
}

/**
 * Starts consuming every registered inbound topic, in the background: a broker that is down at
 * start-up (or topics still missing) is retried with back-off instead of failing the service, and a
 * consumer that crashed for good is restarted. `ready()` resolves once it first runs.
 */
export class InboundConsumer {
  private abort = new AbortController();
  private supervisor: Promise<void> | null = null;
  private started!: () => void;
  private readonly startedOnce = new Promise<void>((resolve) => (this.started = resolve));
  private lastError: string | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly registry: InboundRegistry,
    private readonly pipeline: InboundPipeline,
    private readonly options: InboundConsumerOptions,
    private readonly logger: MessagingLogger = silentLogger,
  ) {}

  start(): void {
    if (this.supervisor) return;
    this.registry.seal();
    this.abort = new AbortController();
    this.supervisor = this.supervise(this.abort.signal);
  }

  /** Resolves once the consumer runs (Kafka: subscribed; group join follows). */
  ready(): Promise<void> {
    return this.startedOnce;
  }

  /** Stops fetching; batches in flight finish or give up their retries uncommitted. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.supervisor;
    this.supervisor = null;
    await this.bus.stopConsuming();
  }

  /**
   * 'down' while not in the consumer group; 'degraded' while a partition has been retrying one
   * offset for longer than stuckAfterMs (everything behind it waits), naming it and the error.
   */
  status(): { status: 'up' | 'degraded' | 'down'; detail?: string } {
    const topics = this.registry.topics();
    if (topics.length === 0) return { status: 'up', detail: 'no inbound topics' };
    const { state, lastError } = this.bus.consumerStatus();
    if (state === 'joined') {
      const limit = (this.options.stuckAfterMs ?? 60_000) / 1000;
      const stuck = this.pipeline.stuck.list().filter((p) => p.seconds >= limit);
      if (stuck.length === 0) return { status: 'up', detail: `${topics.length} topic(s)` };
      const [first] = stuck;
      return {
        status: 'degraded',
        detail:
          `${stuck.length} partition(s) stuck: ${first.topic}/${first.partition}@${first.offset} ` +
          `retrying for ${Math.round(first.seconds)} s: ${first.lastError}`,
      };
    }
    if (state === 'rebalancing' || state === 'starting') return { status: 'down', detail: state };
    return {
      status: 'down',
      detail: `${state}${lastError || this.lastError ? `: ${lastError ?? this.lastError}` : ''}`,
    };
  }

  private async supervise(signal: AbortSignal): Promise<void> {
    const topics = this.registry.topics();
    if (topics.length === 0) {
      this.started();
      return;
    }
    const backoff = new Backoff(500, 30_000);
    let running = false;
    while (!signal.aborted) {
      if (!running || this.bus.consumerStatus().state === 'crashed') {
        try {
          if (running) await this.bus.stopConsuming();
          running = false;
          if (this.options.createTopics) {
            await this.bus.ensureTopics([
              ...this.options.createTopics,
              ...topics,
              ...topics.map(dlqTopicFor),
            ]);
          }
          this.bus.subscribe(topics, this.pipeline.handle);
          await this.bus.startConsuming();
          running = true;
          backoff.reset();
          this.lastError = null;
          this.logger.log(`consuming ${topics.join(', ')}`);
          this.started();
        } catch (error) {
          this.lastError = describeError(error);
          const delay = backoff.next();
          this.logger.warn(`cannot start consuming yet (retrying in ${delay} ms): ${this.lastError}`);
          await sleep(delay, signal);
          continue;
        }
      }
      await sleep(this.options.superviseEveryMs ?? 5000, signal);
    }
  }
}
