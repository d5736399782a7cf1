/** Which dead letter: the .dlq topic, its partition and offset. */
export interface DeadLetterRef {
  dlqTopic: string;
  partition: number;
  offset: string;
}

export type ReplayStatus = 'claimed' | 'published' | 'failed';

export interface ReplayEntry extends DeadLetterRef {
  sourceTopic: string;
  status: ReplayStatus;
  claimedAt: Date;
  publishedAt: Date | null;
}

/**
 * The durable record of replays, so each dead letter is republished at most once: a replay first
 * claims the message (a claim exists at most once per message, across replicas and the CLI), then
 * publishes, then marks it published. A publish that failed leaves it `failed` (whether the broker
 * got it is unknown), replayed again only when the operator asks for that explicitly.
 */
export interface ReplayLedger {
  /** Claims each message not claimed yet (or `failed`, when `retryFailed`); returns those it claimed. */
  claim(
    entries: Array<DeadLetterRef & { sourceTopic: string }>,
    at: Date,
    retryFailed: boolean,
  ): Promise<DeadLetterRef[]>;
  settle(refs: DeadLetterRef[], status: 'published' | 'failed', at: Date): Promise<void>;
  /** The entries of these offsets of one .dlq partition. */
  find(dlqTopic: string, partition: number, offsets: string[]): Promise<ReplayEntry[]>;
  /** How many messages of a .dlq topic were replayed (status published). */
  countPublished(dlqTopic: string): Promise<number>;
}

export const refKey = (r: DeadLetterRef): string => `${r.dlqTopic}\u0000${r.partition}\u0000${r.offset}`;
