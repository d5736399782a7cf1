import type { OutboxEvent } from '../outbox';

/** Which unsent events to read (all by default). */
export interface UnsentQuery {
  /** Leave out these events (store ids): they are already in flight, never read twice. */
  excludeIds?: string[];
  /** Leave out these topics (isolated by the relay while publishing to them fails). */
  excludeTopics?: string[];
  /** Only this topic (the relay retrying an isolated topic). */
  topic?: string;
  /** Only events of these shards (`outboxShard`; the ones this replica relays). Absent: every shard. */
  shards?: number[];
}

/** One page of dead letters, newest first; `after` is the last one of the previous page. */
export interface DeadLetterQuery {
  limit: number;
  after?: { deadAt: Date; id: string };
}

/**
 * Where committed outbox events wait for the relay. The memory store and the MySQL store both
 * implement it next to JobStore, since runs write their events in the same commit as their state.
 */
export interface OutboxStore {
  /** Unsent events, oldest first (insertion order, which keeps per-key order). */
  fetchUnsent(limit: number, query?: UnsentQuery): Promise<StoredOutboxEvent[]>;
  markSent(ids: string[], sentAt: Date): Promise<void>;
  /**
   * Counts a failed publish of still unsent events, for a reason retrying will not fix soon:
   * attempts + 1, the error kept, the first failure's time kept (the dead-letter deadline).
   */
  recordPublishFailure(ids: string[], error: string, at: Date): Promise<void>;
  /**
   * Gives up on unsent events: marks them dead (and done: no longer unsent) and appends the
   * `notices` (their dead-letter events), in one commit.
   */
  deadLetter(ids: string[], at: Date, notices: OutboxEvent[]): Promise<void>;
  /** Dead-lettered events still kept (pruned with sent ones), newest first. */
  listDeadLetters(query: DeadLetterQuery): Promise<DeadLetteredEvent[]>;
  /** Delete events sent (or dead-lettered) before `sentBefore`; returns how many. */
  pruneSent(sentBefore: Date): Promise<number>;
  countUnsent(): Promise<number>;
  /** Append events outside a run (e.g. a domain handler's reply); committed on return. An `eventId` already stored is skipped. */
  append(events: OutboxEvent[]): Promise<void>;
}

export interface StoredOutboxEvent extends OutboxEvent {
  /** Store-assigned, increasing in insertion order. */
  id: string;
  createdAt: Date;
  /** Failed publishes recorded by recordPublishFailure (0 when none). */
  attempts?: number;
  lastError?: string | null;
  firstFailedAt?: Date | null;
}

export interface DeadLetteredEvent extends StoredOutboxEvent {
  deadAt: Date;
  attempts: number;
  lastError: string | null;
}
