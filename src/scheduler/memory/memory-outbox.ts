import type { OutboxEvent } from '../outbox';
import type { StoredOutboxEvent } from '../ports/outbox-store';
import { cloneEvent } from './clone';

interface SentEvent {
  event: StoredOutboxEvent;
  sentAt: number;
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

  fetchUnsent(limit: number): StoredOutboxEvent[] {
    const out: StoredOutboxEvent[] = [];
    if (limit <= 0) return out;
    // Map iteration is insertion order, which is id order.
    for (const event of this.unsent.values()) {
      out.push({ ...cloneEvent(event), createdAt: new Date(event.createdAt.getTime()) });
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

  countUnsent(): number {
    return this.unsent.size;
  }

  clear(): void {
    this.unsent.clear();
    this.sent.clear();
    this.eventIds.clear();
  }
}
