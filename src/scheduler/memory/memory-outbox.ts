import { outboxShard, type OutboxEvent } from '../outbox';
import type {
  DeadLetteredEvent,
  DeadLetterQuery,
  StoredOutboxEvent,
  UnsentQuery,
} from '../ports/outbox-store';
import { cloneEvent } from './clone';

interface SentEvent {
  event: StoredOutboxEvent;
  sentAt: number;
  /** Set when dead-lettered rather than published. */
  deadAt?: number;
}

/**
 * The memory store's outbox. Synchronous, so the store can add events in the same step as a
 * completion's state change (that is what makes the memory completion atomic).
 */
export class MemoryOutbox {
  private seq = 0;
  private readonly unsent = new Map<string, StoredOutboxEvent>();
  private readonly sent = new Map<string, SentEvent>();
  /** Ids of stored events: a re-run emits the same ids, and stores skip those (port rule). */
  private readonly eventIds = new Set<string>();

  append(events: OutboxEvent[], createdAt: Date): void {
    for (const event of events) {
      if (this.eventIds.has(event.eventId)) continue;
      this.eventIds.add(event.eventId);
      const id = String(++this.seq);
      this.unsent.set(id, { ...cloneEvent(event), id, createdAt: new Date(createdAt.getTime()) });
    }
  }

  fetchUnsent(limit: number, query: UnsentQuery = {}): StoredOutboxEvent[] {
    const out: StoredOutboxEvent[] = [];
    if (limit <= 0) return out;
    const skipIds = new Set(query.excludeIds ?? []);
    const skipTopics = new Set(query.excludeTopics ?? []);
    const shards = query.shards ? new Set(query.shards) : null;
    // Map iteration is insertion order, which is id order.
    for (const event of this.unsent.values()) {
      if (skipIds.has(event.id) || skipTopics.has(event.topic)) continue;
      if (query.topic !== undefined && event.topic !== query.topic) continue;
      if (shards && !shards.has(outboxShard(event.key))) continue;
      out.push(copy(event));
      if (out.length >= limit) break;
    }
    return out;
  }

  markSent(ids: string[], sentAt: Date): void {
    for (const id of ids) {
      const event = this.unsent.get(id);
      if (!event) continue;
      this.unsent.delete(id);
      this.sent.set(id, { event, sentAt: sentAt.getTime() });
    }
  }

  recordPublishFailure(ids: string[], error: string, at: Date): void {
    for (const id of ids) {
      const event = this.unsent.get(id);
      if (!event) continue;
      event.attempts = (event.attempts ?? 0) + 1;
      event.lastError = error;
      event.firstFailedAt ??= new Date(at.getTime());
    }
  }

  /** Marks dead; the caller appends the notices in the same synchronous step. */
  markDead(ids: string[], at: Date): void {
    for (const id of ids) {
      const event = this.unsent.get(id);
      if (!event) continue;
      this.unsent.delete(id);
      this.sent.set(id, { event, sentAt: at.getTime(), deadAt: at.getTime() });
    }
  }

  listDeadLetters(query: DeadLetterQuery): DeadLetteredEvent[] {
    const dead = [...this.sent.values()]
      .filter((s): s is SentEvent & { deadAt: number } => s.deadAt !== undefined)
      .sort((a, b) => b.deadAt - a.deadAt || Number(b.event.id) - Number(a.event.id));
    const after = query.after;
    const page = after
      ? dead.filter(
          (s) =>
            s.deadAt < after.deadAt.getTime() ||
            (s.deadAt === after.deadAt.getTime() && Number(s.event.id) < Number(after.id)),
        )
      : dead;
    return page.slice(0, Math.max(0, query.limit)).map((s) => ({
      ...copy(s.event),
      attempts: s.event.attempts ?? 0,
      lastError: s.event.lastError ?? null,
      deadAt: new Date(s.deadAt),
    }));
  }

  pruneSent(sentBefore: Date): number {
    const limit = sentBefore.getTime();
    let pruned = 0;
    for (const [id, { event, sentAt }] of this.sent) {
      if (sentAt >= limit) continue;
      this.sent.delete(id);
      this.eventIds.delete(event.eventId);
      pruned++;
    }
    return pruned;
  }

  /** Events held: unsent, and sent or dead-lettered until pruned. */
  get size(): number {
    return this.unsent.size + this.sent.size;
  }

  countUnsent(): number {
    return this.unsent.size;
  }

  clear(): void {
    this.unsent.clear();
    this.sent.clear();
    this.eventIds.clear();
  }
}

function copy(event: StoredOutboxEvent): StoredOutboxEvent {
  return {
    ...cloneEvent(event),
    id: event.id,
    createdAt: new Date(event.createdAt.getTime()),
    attempts: event.attempts ?? 0,
    lastError: event.lastError ?? null,
    firstFailedAt: event.firstFailedAt ? new Date(event.firstFailedAt.getTime()) : null,
  };
}
