import { randomUUID } from 'node:crypto';

import type { Kafka } from 'kafkajs';

import type { PartitionOffsets, ReadRange, TopicReader } from '../dead-letters/dead-letter-source';
import { TopicReadError } from '../errors';
import type { InboundRecord } from '../event-bus';
import { describeError } from '../sleep';
import { toInboundRecord } from './kafka-records';

export interface KafkaTopicReaderOptions {
  /** Gives up (returning what it read) after this long. Default 15 s. */
  timeoutMs?: number;
  /** Prefix of the throw-away consumer groups (deleted after each read). */
  groupPrefix: string;
}

/**
 * Reads offset ranges with a throw-away consumer group: kafkajs has no group-less fetch, so a
 * reader joins a group of its own, seeks each partition to its start and leaves once every range
 * is read (or the timeout passed). It never commits; the group is deleted afterwards.
 */
export class KafkaTopicReader implements TopicReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaTopicReaderOptions,
  ) {}

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      if (!(await admin.listTopics()).includes(topic)) return [];
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
        .sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw new TopicReadError(`cannot read the offsets of ${topic}: ${describeError(error)}`, {
        cause: error,
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async read(topic: string, ranges: ReadRange[]): Promise<InboundRecord[]> {
    const offsets = new Map((await this.offsets(topic)).map((p) => [p.partition, p]));
    // Only ranges with something to read: end = min(high, from + limit).
    const wanted = ranges
      .map((r) => {
        const p = offsets.get(r.partition);
        if (!p) return null;
        const from = r.fromOffset < BigInt(p.low) ? BigInt(p.low) : r.fromOffset;
        const end = from + BigInt(r.limit) < BigInt(p.high) ? from + BigInt(r.limit) : BigInt(p.high);
        return end > from ? { partition: r.partition, from, end } : null;
      })
      .filter((r): r is { partition: number; from: bigint; end: bigint } => r !== null);
    if (wanted.length === 0) return [];
    const found = new Map<number, Map<string, InboundRecord>>(wanted.map((w) => [w.partition, new Map()]));
    const done = (): boolean =>
      wanted.every((w) => {
        const got = found.get(w.partition)!;
        return [...got.keys()].some((o) => BigInt(o) >= w.end - 1n);
      });
    const groupId = `${this.options.groupPrefix}-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(finish, this.options.timeoutMs ?? 15_000);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      consumer.on(consumer.events.CRASH, () => finish());
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = wanted.find((w) => w.partition === batch.partition);
          const got = found.get(batch.partition);
          if (!range || !got) return;
          for (const m of batch.messages) {
            const o = BigInt(m.offset);
            if (o >= range.from && o < range.end)
              got.set(m.offset, toInboundRecord(batch.topic, batch.partition, m));
          }
          if (done()) finish();
        },
      });
      for (const w of wanted) consumer.seek({ topic, partition: w.partition, offset: w.from.toString() });
      const others = [...offsets.keys()].filter((p) => !found.has(p));
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      await finished;
    } catch (error) {
      throw new TopicReadError(`cannot read ${topic}: ${describeError(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
    return [...found.values()]
      .flatMap((m) => [...m.values()])
      .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // A leftover empty group expires on the broker (offsets.retention); nothing was committed.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
