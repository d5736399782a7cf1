/**
 * Which replica relays the outbox. Every replica runs a relay, but only the leader publishes:
 * with several publishing the same rows, every event would reach Kafka once per replica, and the
 * per-key order across replicas would be lost. Another replica takes over when the leader dies.
 */
export interface RelayLeadership {
  /** True while this replica leads (taking the lead if it is free). Cheap when already leading. */
  lead(): Promise<boolean>;
  /** Give the lead up (shutdown), so another replica takes over at once. */
  release(): Promise<void>;
}

/** One process, one relay: embedded mode and the memory store. */
export const SOLE_RELAY: RelayLeadership = {
  lead: () => Promise.resolve(true),
  release: () => Promise.resolve(),
};
