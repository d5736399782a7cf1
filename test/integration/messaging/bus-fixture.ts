import 'reflect-metadata';

import { KafkaEventBus, type KafkaEventBusOptions } from '../../../src/messaging/kafka/kafka-event-bus';
import { createKafka } from '../../support/test-kafka';
import { uniqueSuffix } from '../../support/env';

/** A KafkaEventBus on the local broker with test-friendly timings (fresh group unless given). */
export function kafkaBus(options: Partial<KafkaEventBusOptions> = {}): KafkaEventBus {
  return new KafkaEventBus(createKafka('bus'), {
    groupId: `test-group-${uniqueSuffix()}`,
    fromBeginning: true,
    topicPartitions: 1,
    replicationFactor: 1,
    maxBatch: 100,
    partitionsConcurrently: 2,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    producerRetries: 2,
    ...options,
  });
}

/** Polls (bounded) until the condition holds: for waiting on messages, never on business time. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
