import type { Kafka } from 'kafkajs';

import { TopicReadError } from '../errors';
import type { InboundLagReader, PartitionLag } from '../inbound/inbound-lag';
import { describeError } from '../sleep';

/** Lag of one consumer group from the broker's offsets (one short admin connection per call). */
export class KafkaConsumerLag implements InboundLagReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  async lag(topics: string[]): Promise<PartitionLag[]> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      if (present.length === 0) return [];
      const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: present });
      const out: PartitionLag[] = [];
      for (const topic of present) {
        const group = committed.find((c) => c.topic === topic)?.partitions ?? [];
        for (const end of await admin.fetchTopicOffsets(topic)) {
          const offset = BigInt(group.find((p) => p.partition === end.partition)?.offset ?? '-1');
          const from = offset >= 0n ? offset : BigInt(end.low);
          const lag = BigInt(end.high) - from;
          out.push({ topic, partition: end.partition, lag: Number(lag > 0n ? lag : 0n) });
        }
      }
      return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    } catch (error) {
      throw new TopicReadError(`cannot read consumer lag: ${describeError(error)}`, { cause: error });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
