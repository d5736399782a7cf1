// Kafka helpers for integration tests: unique topics, produce, consume with a deadline, restarts.
import { Admin, IHeaders, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { kafkaBrokers, uniqueSuffix } from './env';
import { assertLocallyManaged, infraScript } from './infra-control';

export { kafkaBrokers };

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface OutgoingMessage {
  key?: string | null;
  value: string | Buffer | object | null;
  headers?: Record<string, string>;
  partition?: number;
}

/** kafkajs logging in tests: KAFKAJS_LOG_LEVEL=ERROR|WARN|INFO|DEBUG (default: silent; retries are noisy). */
function testLogLevel(): logLevel {
  const name = (process.env.KAFKAJS_LOG_LEVEL ?? 'NOTHING').toUpperCase();
  const levels: Record<string, logLevel> = {
    NOTHING: logLevel.NOTHING,
    ERROR: logLevel.ERROR,
    WARN: logLevel.WARN,
    INFO: logLevel.INFO,
    DEBUG: logLevel.DEBUG,
  };
  return levels[name] ?? logLevel.NOTHING;
}

export function createKafka(clientId = 'test'): Kafka {
  return new Kafka({
    clientId: `${clientId}-${uniqueSuffix()}`,
    brokers: kafkaBrokers(),
    logLevel: testLogLevel(),
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

/** A topic name nobody else uses: `<prefix>.<unique>` (Kafka allows [a-zA-Z0-9._-]). */
export function uniqueTopic(prefix = 'test'): string {
  return `${prefix.replace(/[^a-zA-Z0-9._-]/g, '-')}.${uniqueSuffix()}`;
}

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka('test-admin').admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `cannot connect to Kafka at ${kafkaBrokers().join(',')} (${(err as Error).message}); run: npm run infra:up`,
    );
  }
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the topics (auto-creation is off on the test broker) and waits for their leaders. */
export async function createTopics(names: string[], partitions = 1): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({
      waitForLeaders: true,
      topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  });
}

export async function deleteTopics(names: string[]): Promise<void> {
  await withAdmin((admin) => admin.deleteTopics({ topics: names, timeout: 10_000 }));
}

function encodeValue(value: OutgoingMessage['value']): string | Buffer | null {
  if (value === null || typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

/** Produces the messages (acks=all) and resolves once the broker has them. Objects are sent as JSON. */
export async function produceMessages(topic: string, messages: OutgoingMessage[]): Promise<void> {
  const producer = createKafka('test-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value: encodeValue(m.value),
        headers: m.headers,
        partition: m.partition,
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    out[name] = Array.isArray(raw) ? raw.map((v) => v.toString()).join(',') : raw.toString();
  }
  return out;
}

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    headers: headerText(m.headers),
  };
}

export interface MessageCollector {
  /** Everything received so far, in arrival order. */
  readonly messages: ConsumedMessage[];
  /** Resolves with the first `count` messages, or rejects after `timeoutMs` saying what arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ConsumedMessage[]>;
  stop(): Promise<void>;
}

/**
 * Subscribes (own consumer group) and collects messages in the background until stop().
 * Use it when a test must be listening before the code under test produces.
 */
export async function collectMessages(
  topic: string,
  opts: { fromBeginning?: boolean } = {},
): Promise<MessageCollector> {
  const consumer = createKafka('test-consumer').consumer({
    groupId: `test-${uniqueSuffix()}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
  });
  const messages: ConsumedMessage[] = [];
  const waiters = new Set<() => void>();
  let joined!: () => void;
  const groupJoined = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      messages.push(toConsumed(t, partition, message));
      for (const w of waiters) w();
    },
  });
  await groupJoined;
  let stopped = false;
  return {
    messages,
    waitFor(count: number, timeoutMs = 30_000): Promise<ConsumedMessage[]> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(messages.slice(0, count));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = messages
            .map((m) => `  ${m.key ?? '<null>'} => ${(m.value ?? '<null>').slice(0, 200)}`)
            .join('\n');
          reject(
            new Error(
              `expected ${count} message(s) on topic ${topic} within ${timeoutMs} ms, got ${messages.length}` +
                (seen ? `:\n${seen}` : ''),
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await consumer.disconnect();
    },
  };
}

/** Reads `count` messages from the topic (from the beginning) or fails after `timeoutMs` with what arrived. */
export async function consumeMessages(
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedMessage[]> {
  const collector = await collectMessages(topic, { fromBeginning: true });
  try {
    return await collector.waitFor(count, timeoutMs);
  } finally {
    await collector.stop();
  }
}

/** Parses a consumed value as JSON (fails the test with the raw text when it is not JSON). */
export function jsonValue<T = unknown>(message: ConsumedMessage): T {
  try {
    return JSON.parse(message.value ?? 'null') as T;
  } catch {
    throw new Error(
      `message at ${message.topic}/${message.partition}@${message.offset} is not JSON: ${message.value}`,
    );
  }
}

/** Stops the local broker (scripts/infra/kafka.sh down). Pair with startKafka() in a finally. */
export async function stopKafka(): Promise<void> {
  assertLocallyManaged('kafka', process.env.KAFKA_BROKERS, '127.0.0.1');
  await infraScript('kafka', 'down');
}

/** Starts the local broker again and waits until it serves metadata (scripts/infra/kafka.sh up). */
export async function startKafka(): Promise<void> {
  assertLocallyManaged('kafka', process.env.KAFKA_BROKERS, '127.0.0.1');
  await infraScript('kafka', 'up');
}
