import type { Admin, ITopicMetadata } from 'kafkajs';

import type { MessagingLogger } from '../logger';
import { sleep } from '../sleep';

export interface TopicSpec {
  numPartitions: number;
  replicationFactor: number;
}

/** How long ensureTopics waits for every partition of a topic another replica just created to get a leader. */
const LEADER_WAIT_MS = 15_000;

/**
 * Creates the topics that are missing and returns once every partition of every topic has a leader.
 * Replicas starting together race here: the loser of a create gets TOPIC_ALREADY_EXISTS (alone, or
 * next to topics it did create), which is not an error as long as the topic is there afterwards.
 */
export async function createMissingTopics(
  admin: Admin,
  topics: string[],
  spec: TopicSpec,
  logger: MessagingLogger,
): Promise<void> {
  const wanted = [...new Set(topics)];
  const missing = await missingTopics(admin, wanted);
  if (missing.length > 0) {
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, ...spec })),
      });
      if (created) logger.log(`created topics: ${missing.join(', ')}`);
    } catch (error) {
      const stillMissing = await missingTopics(admin, wanted);
      if (stillMissing.length > 0) throw error;
    }
  }
  await waitForLeaders(admin, wanted);
}

async function missingTopics(admin: Admin, wanted: string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  return wanted.filter((t) => !existing.has(t));
}

function leaderless(topics: ITopicMetadata[]): string[] {
  return topics
    .filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0))
    .map((t) => t.name);
}

async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    let pending: string[];
    try {
      pending = leaderless((await admin.fetchTopicMetadata({ topics })).topics);
    } catch (error) {
      // LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC_OR_PARTITION right after creation: ask again.
      if (Date.now() > deadline) throw error;
      pending = topics;
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`topics without a partition leader after ${LEADER_WAIT_MS} ms: ${pending.join(', ')}`);
    }
    await sleep(100);
  }
}
