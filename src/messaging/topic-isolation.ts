import { v5 as uuidv5 } from 'uuid';

import { Backoff } from '../scheduler/backoff';
import type { OutboxEvent, StoredOutboxEvent } from '../scheduler';
import type { PermanentPublishReason } from './errors';
import { SCHEDULER_JOB_ID_HEADER, SCHEDULER_SCHEDULED_AT_HEADER } from './publish-handler';

/** A topic the relay stopped publishing to in its main flow, and when to try it again. */
export interface IsolatedTopic {
  topic: string;
  reason: PermanentPublishReason;
  lastError: string;
  /** When this relay first saw the topic fail (epoch ms). */
  since: number;
  retryAt: number;
  backoff: Backoff;
}

/**
 * Topics whose publishes fail for a reason retrying will not fix soon (unknown topic, too large,
 * not authorized). The relay leaves their events out of its batches, so every other topic flows,
 * and retries each isolated topic on its own with back-off. All events of a topic are held back
 * together, which keeps per-key order (a key lives in one topic).
 */
export class TopicIsolation {
  private readonly topics = new Map<string, IsolatedTopic>();

  constructor(
    private readonly retryBaseMs: number,
    private readonly retryMaxMs: number,
  ) {}

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  list(): IsolatedTopic[] {
    return [...this.topics.values()];
  }

  /** Starts isolating `topic` (no-op when it already is). Returns whether it is new. */
  isolate(topic: string, reason: PermanentPublishReason, error: string, now: number): boolean {
    if (this.topics.has(topic)) return false;
    const backoff = new Backoff(this.retryBaseMs, this.retryMaxMs);
    this.topics.set(topic, {
      topic,
      reason,
      lastError: error,
      since: now,
      retryAt: now + backoff.next(),
      backoff,
    });
    return true;
  }

  /** The isolated topic whose retry is due soonest, if one is due. */
  due(now: number): IsolatedTopic | undefined {
    let soonest: IsolatedTopic | undefined;
    for (const t of this.topics.values()) {
      if (t.retryAt <= now && (!soonest || t.retryAt < soonest.retryAt)) soonest = t;
    }
    return soonest;
  }

  /** The retry failed again: back off further, or go again at once when some events just died. */
  failedAgain(topic: string, error: string, now: number, soon: boolean): void {
    const t = this.topics.get(topic);
    if (!t) return;
    t.lastError = error;
    t.retryAt = soon ? now : now + t.backoff.next();
  }

  release(topic: string): void {
    this.topics.delete(topic);
  }

  clear(): void {
    this.topics.clear();
  }
}

/** Namespace of dead-letter notice ids (fixed; never change it). */
const DEAD_LETTER_NAMESPACE = '3b0f6a52-8d7e-4c55-a0b4-2f9d1e6c7a10';

/**
 * The `scheduler.dead-letter` event (DESIGN section 6) for an outbox event given up on. Its id is
 * derived from the dead event's id, so a repeated dead-lettering (crash before the mark) repeats it.
 */
export function deadLetterNotice(
  event: StoredOutboxEvent,
  deadLetterTopic: string,
  attempts: number,
  lastError: string,
): OutboxEvent {
  const value =
    typeof event.value === 'object' && event.value !== null && !Array.isArray(event.value) ? event.value : {};
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const jobId = event.headers[SCHEDULER_JOB_ID_HEADER] ?? text(value.jobId) ?? null;
  const scheduledAt = event.headers[SCHEDULER_SCHEDULED_AT_HEADER] ?? text(value.scheduledAt) ?? null;
  const eventId = uuidv5(`${event.eventId}|dead-letter`, DEAD_LETTER_NAMESPACE);
  return {
    eventId,
    topic: deadLetterTopic,
    key: jobId ?? event.key,
    value: {
      eventId,
      kind: 'publish',
      jobId,
      scheduledAt,
      attempts,
      lastError,
      topic: event.topic,
      deadEventId: event.eventId,
    },
    headers: {},
  };
}
