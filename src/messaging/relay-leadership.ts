import { ALL_OUTBOX_SHARDS } from '../scheduler';

/**
 * One-replica-at-a-time work (retention): every replica runs it, only the leader acts, and another
 * replica takes over when the leader dies.
 */
export interface RelayLeadership {
  /** True while this replica leads (taking the lead if it is free). Cheap when already leading. */
  lead(): Promise<boolean>;
  /** Give the lead up (shutdown), so another replica takes over at once. */
  release(): Promise<void>;
}

/** One process, one leader: embedded mode and the memory store. */
export const SOLE_RELAY: RelayLeadership = {
  lead: () => Promise.resolve(true),
  release: () => Promise.resolve(),
};

/**
 * Which outbox shards (`outboxShard`) this replica relays. The replicas sharing an outbox split its
 * shards between them, each shard relayed by one replica at a time: every event reaches Kafka once
 * per relay that reads it, and a key's events stay in order because they share a shard.
 */
export interface RelayShares {
  /**
   * The shards this replica relays now, sorted: it takes free ones up to its fair share and gives
   * up the ones over it. Empty: stand by. Called between relay rounds, when nothing is in flight.
   */
  claim(): Promise<number[]>;
  /** Give every shard up (shutdown), so the other replicas take them over at once. */
  release(): Promise<void>;
}

/** One process relays every shard: embedded mode and the memory store. */
export const EVERY_SHARD_HERE: RelayShares = {
  claim: () => Promise.resolve([...ALL_OUTBOX_SHARDS]),
  release: () => Promise.resolve(),
};
