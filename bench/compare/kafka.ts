import { type Admin, Kafka, logLevel } from 'kafkajs';

import { kafkaBrokers } from './setup/infra';
import type { EffectSample } from './stats';

export function benchKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = benchKafka('bench-admin').admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Topics of a run. Every one stamps its messages with LogAppendTime: the broker's clock when it
 * appended the message, just before it acks the produce request (one broker, acks=all), whoever
 * produced it. A message's timestamp is then the moment the effect became visible on Kafka, for
 * this service's relay and for BullMQ's worker alike.
 */
export async function createTopics(topics: string[], partitions: number): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      })),
    });
    // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a busy broker answers for a
    // moment after creating: poll the metadata until every partition has a leader.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        if (meta.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)))
          return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics without leaders after 60 s: ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
}

export async function deleteTopics(topics: string[]): Promise<void> {
  await withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30000 });
  });
}

/** Delete every topic a previous bench run left behind (prefix `bench7.`). */
export async function deleteStaleTopics(): Promise<number> {
  return withAdmin(async (admin) => {
    const stale = (await admin.listTopics()).filter((t) => t.startsWith('bench7.'));
    if (stale.length > 0) await admin.deleteTopics({ topics: stale, timeout: 30000 });
    return stale.length;
  });
}

/**
 * A polling view of a topic's messages: how many it holds (sum of partition high watermarks), or,
 * given a consumer group, how many that group has committed (sum of its offsets).
 */
export class OffsetWatch {
  private admin: Admin | null = null;

  constructor(
    private readonly topic: string,
    private readonly groupId?: string,
  ) {}

  async count(): Promise<number> {
    if (!this.admin) {
      this.admin = benchKafka('bench-offsets').admin();
      await this.admin.connect();
    }
    if (this.groupId === undefined) {
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    const [offsets] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }
}

/**
 * Read a topic from the start: each message's timestamp (LogAppendTime: the broker's append, i.e.
 * its ack; see createTopics) and its scheduled time: `scheduledAt` in its JSON value (order
 * cancels) or the x-scheduler-scheduled-at header (the publish action). Duplicates are counted by
 * event id (value `eventId` or the x-event-id header).
 */
export async function readEffects(topic: string, expected: number, timeoutMs: number): Promise<EffectSample> {
  const watch = new OffsetWatch(topic);
  const total = await watch.count().catch(() => expected);
  await watch.close();
  const scheduled: number[] = [];
  const effect: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const consumer = benchKafka('bench-reader').consumer({
    groupId: `bench7-reader-${topic}-${Date.now()}`,
    maxBytes: 10 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, timeoutMs);
      if (total === 0) {
        clearTimeout(deadline);
        resolve();
        return;
      }
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const value = JSON.parse(m.value?.toString() ?? '{}') as {
              eventId?: string;
              scheduledAt?: string;
            };
            const eventId = value.eventId ?? m.headers?.['x-event-id']?.toString();
            if (eventId && seen.has(eventId)) duplicates++;
            if (eventId) seen.add(eventId);
            const at = value.scheduledAt ?? m.headers?.['x-scheduler-scheduled-at']?.toString();
            scheduled.push(Date.parse(at ?? ''));
            effect.push(Number(m.timestamp));
          }
          if (scheduled.length >= total) {
            clearTimeout(deadline);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return { scheduledMs: Float64Array.from(scheduled), effectMs: Float64Array.from(effect), duplicates };
}
