import type { InboundRecord } from '../event-bus';

/** The offsets a partition holds now: `low` is the first kept, `high` the next to be written. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

export interface ReadRange {
  partition: number;
  fromOffset: bigint;
  limit: number;
}

/**
 * Reads a topic by offset, outside any consumer group (the inbound consumer's offsets are never
 * touched). Used to list a `<topic>.dlq` and to fetch the range an operator chose to replay.
 */
export interface TopicReader {
  /** Every partition of the topic with its offsets; [] when the topic does not exist. */
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /**
   * The records of each range (a partition, the first offset, at most `limit` records), in
   * partition and offset order. Offsets no longer kept (retention) are simply absent.
   */
  read(topic: string, ranges: ReadRange[]): Promise<InboundRecord[]>;
}
