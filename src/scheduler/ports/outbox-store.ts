import type { OutboxEvent } from '../outbox';

/**
 * Where committed outbox events wait for the relay. The memory store and the MySQL store both
 * implement it next to JobStore, since runs write their events in the same commit as their state.
 */
export interface OutboxStore {
  /** Unsent events, oldest first (insertion order, which keeps per-key order). */
  fetchUnsent(limit: number): Promise<StoredOutboxEvent[]>;
  markSent(ids: string[], sentAt: Date): Promise<void>;
  /** Delete events sent before `sentBefore`; returns how many. */
  pruneSent(sentBefore: Date): Promise<number>;
  countUnsent(): Promise<number>;
  /** Append events outside a run (e.g. a domain handler's reply); committed on return. An `eventId` already stored is skipped. */
  append(events: OutboxEvent[]): Promise<void>;
}

export interface StoredOutboxEvent extends OutboxEvent {
  /** Store-assigned, increasing in insertion order. */
  id: string;
  createdAt: Date;
}
