/** A partition whose handling keeps failing at one offset (nothing behind it is committed meanwhile). */
export interface StuckPartition {
  topic: string;
  partition: number;
  /** The first offset of what is being retried. */
  offset: string;
  /** How long the partition has been retrying that offset. */
  seconds: number;
  lastError: string;
}

/**
 * Which partitions are retrying right now, since when. An entry starts at a partition's first
 * failed attempt at an offset and ends when its batch is handled or given up (stop, rebalance).
 */
export class StuckPartitions {
  private readonly entries = new Map<
    string,
    { topic: string; partition: number; offset: string; since: number; lastError: string }
  >();

  constructor(private readonly now: () => number) {}

  failed(topic: string, partition: number, offset: string, error: string): void {
    const key = `${topic}\u0000${partition}`;
    const entry = this.entries.get(key);
    if (entry && entry.offset === offset) entry.lastError = error;
    else this.entries.set(key, { topic, partition, offset, since: this.now(), lastError: error });
  }

  clear(topic: string, partition: number): void {
    this.entries.delete(`${topic}\u0000${partition}`);
  }

  /** Every partition retrying now, longest first. */
  list(): StuckPartition[] {
    const now = this.now();
    return [...this.entries.values()]
      .map(({ since, ...rest }) => ({ ...rest, seconds: Math.max(0, (now - since) / 1000) }))
      .sort((a, b) => b.seconds - a.seconds);
  }
}
