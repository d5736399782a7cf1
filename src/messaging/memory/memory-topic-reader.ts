import type { PartitionOffsets, ReadRange, TopicReader } from '../dead-letters/dead-letter-source';
import type { InboundRecord } from '../event-bus';
import type { MemoryEventBus } from './memory-event-bus';

/** Reads what the memory bus retains of a topic (embedded mode: one partition, numbered 0). */
export class MemoryTopicReader implements TopicReader {
  constructor(private readonly bus: MemoryEventBus) {}

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const o = this.bus.offsets(topic);
    return o ? [{ partition: 0, ...o }] : [];
  }

  async read(topic: string, ranges: ReadRange[]): Promise<InboundRecord[]> {
    const all = this.bus.recent(topic, Number.MAX_SAFE_INTEGER);
    return ranges
      .filter((r) => r.partition === 0)
      .flatMap((r) => all.filter((m) => BigInt(m.offset) >= r.fromOffset).slice(0, r.limit))
      .map(({ timestamp: _t, ...record }) => record);
  }
}
