import type { Clock, OutboxStore, StoredOutboxEvent } from '../scheduler';
import { PublishError } from './errors';
import type { EventBus } from './event-bus';
import type { MessagingLogger } from './logger';
import { toBusMessage } from './outbox-wire-format';
import { describeError } from './sleep';
import type { MessagingTelemetry } from './telemetry';
import { deadLetterNotice, type IsolatedTopic, TopicIsolation } from './topic-isolation';

export interface IsolatingPublisherOptions {
  /** Events fetched per retry of an isolated topic. */
  batchSize: number;
  /** An isolated topic's events are dead-lettered once they have failed for this long. */
  deadLetterAfterMs: number;
  /** Where dead-letter notices go. */
  deadLetterTopic: string;
  /** First and longest wait between retries of an isolated topic. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/** What the relay does with events once published (mark them sent and count them). */
export type MarkSent = (events: StoredOutboxEvent[], startedMs: number) => Promise<void>;

/**
 * The outbox relay's publishing with per-topic isolation: a topic that refuses its events for a
 * reason retrying will not fix soon is isolated (the other topics keep flowing), retried on its own
 * with back-off, and its events are dead-lettered once they have failed for deadLetterAfterMs.
 */
export class IsolatingPublisher {
  private readonly isolation: TopicIsolation;
  private deadLetteredCount = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly clock: Clock,
    private readonly options: IsolatingPublisherOptions,
    private readonly markSent: MarkSent,
    private readonly telemetry: MessagingTelemetry | undefined,
    private readonly logger: MessagingLogger,
  ) {
    this.isolation = new TopicIsolation(options.retryBaseMs, options.retryMaxMs);
  }

  /** Topics held out of the main flow. */
  isolatedTopics(): string[] {
    return this.isolation.names();
  }

  /** Events dead-lettered so far. */
  get deadLettered(): number {
    return this.deadLetteredCount;
  }

  /** Forgets every isolated topic (a standby leaves them to the leader). */
  clear(): void {
    this.isolation.clear();
  }

  /**
   * Publishes `events`; when a topic refuses them for a permanent reason, isolates that topic and
   * publishes the rest. Returns the events published. Throws on a transient failure.
   */
  async publish(events: StoredOutboxEvent[]): Promise<StoredOutboxEvent[]> {
    let pending = events.filter((e) => !this.isolation.has(e.topic));
    while (pending.length > 0) {
      try {
        await this.bus.publish(pending.map(toBusMessage));
        return pending;
      } catch (error) {
        const refused = permanentError(error);
        if (!refused) throw error;
        if (!refused.topics) return this.publishTopicByTopic(pending);
        await this.isolate(pending, refused.topics, refused);
        pending = pending.filter((e) => !this.isolation.has(e.topic));
      }
    }
    return pending;
  }

  /** Retries the isolated topic whose retry is due soonest, if one is due (its events of `shards`). */
  async retryDue(shards?: number[]): Promise<void> {
    const due = this.isolation.due(this.clock.now().getTime());
    if (due) await this.retryIsolated(due, shards);
  }

  /** A permanent failure that did not say which topic: find it by publishing one topic at a time. */
  private async publishTopicByTopic(events: StoredOutboxEvent[]): Promise<StoredOutboxEvent[]> {
    const published: StoredOutboxEvent[] = [];
    for (const topic of new Set(events.map((e) => e.topic))) {
      const group = events.filter((e) => e.topic === topic);
      try {
        await this.bus.publish(group.map(toBusMessage));
        published.push(...group);
      } catch (error) {
        const refused = permanentError(error);
        if (!refused) throw error;
        await this.isolate(group, [topic], refused);
      }
    }
    return published;
  }

  private async isolate(events: StoredOutboxEvent[], topics: string[], error: PublishError): Promise<void> {
    const now = this.clock.now();
    const message = describeError(error);
    for (const topic of topics) {
      if (this.isolation.isolate(topic, error.permanent ?? 'UNKNOWN_TOPIC', message, now.getTime())) {
        this.logger.warn(`outbox relay: isolating topic ${topic}, other topics keep flowing: ${message}`);
        this.telemetry?.emit('outbox.isolated', { topic, isolated: true });
      }
    }
    const failed = events.filter((e) => topics.includes(e.topic)).map((e) => e.id);
    await this.store.recordPublishFailure(failed, message, now);
  }

  /** One retry of an isolated topic: its oldest events alone; dead-letter those failing too long. */
  private async retryIsolated(isolated: IsolatedTopic, shards?: number[]): Promise<void> {
    const { topic } = isolated;
    const events = await this.store.fetchUnsent(this.options.batchSize, { topic, shards });
    if (events.length === 0) return this.release(topic, 'nothing left to publish');
    const started = Date.now();
    try {
      await this.bus.publish(events.map(toBusMessage));
    } catch (error) {
      const refused = permanentError(error);
      if (!refused) throw error;
      const now = this.clock.now();
      const message = describeError(refused);
      await this.store.recordPublishFailure(
        events.map((e) => e.id),
        message,
        now,
      );
      const died = await this.deadLetterExpired(events, message, now);
      this.isolation.failedAgain(topic, message, now.getTime(), died > 0);
      return;
    }
    await this.markSent(events, started);
    this.release(topic, 'publishing works again');
  }

  /** Dead-letters the events that have failed for deadLetterAfterMs; returns how many. */
  private async deadLetterExpired(events: StoredOutboxEvent[], error: string, now: Date): Promise<number> {
    const { deadLetterTopic: deadTopic, deadLetterAfterMs: after } = this.options;
    const expired = events.filter(
      (e) =>
        // A notice that cannot be published is never dead-lettered into itself: it waits.
        e.topic !== deadTopic && now.getTime() - (e.firstFailedAt ?? now).getTime() >= after,
    );
    if (expired.length === 0) return 0;
    const notices = expired.map((e) => deadLetterNotice(e, deadTopic, (e.attempts ?? 0) + 1, error));
    await this.store.deadLetter(
      expired.map((e) => e.id),
      now,
      notices,
    );
    this.deadLetteredCount += expired.length;
    this.logger.error(
      `outbox relay: dead-lettered ${expired.length} event(s) of topic ${expired[0].topic} after failing for ${Math.round(after / 1000)} s: ${error}`,
    );
    this.telemetry?.emit('outbox.deadLettered', { topic: expired[0].topic, count: expired.length });
    return expired.length;
  }

  private release(topic: string, why: string): void {
    this.isolation.release(topic);
    this.logger.log(`outbox relay: topic ${topic} back in the main flow (${why})`);
    this.telemetry?.emit('outbox.isolated', { topic, isolated: false });
  }
}

function permanentError(error: unknown): PublishError | null {
  return error instanceof PublishError && error.permanent ? error : null;
}
