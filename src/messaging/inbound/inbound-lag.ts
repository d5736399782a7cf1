/** How far the service's consumer group is behind on one partition of an inbound topic. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Log-end offset minus the group's committed offset (from the low watermark if none). */
  lag: number;
}

/** Consumer lag of the service's group; Kafka: admin offsets, memory: the bus's own commits. */
export interface InboundLagReader {
  lag(topics: string[]): Promise<PartitionLag[]>;
}
