import { benchKafka } from '../kafka';
import { type BullJob, loadBullMq } from '../setup/bullmq-module';
import { orderTimeoutMessages } from './order-timeout';
import { type BullWorkerConfig, onStart, reportProgress } from './replica-protocol';

interface OrderJobData {
  orderId: string;
  /** One-shot jobs carry their scheduled time; scheduler (repeat) jobs have it in their id. */
  scheduledAtMs?: number;
}

/** `repeat:<scheduler id>:<millis>` is how BullMQ names a job scheduler's iterations. */
function scheduledAt(job: BullJob<OrderJobData>): Date {
  if (job.data.scheduledAtMs !== undefined) return new Date(job.data.scheduledAtMs);
  const millis = Number(job.id?.slice(job.id.lastIndexOf(':') + 1));
  return new Date(Number.isFinite(millis) ? millis : job.timestamp + job.delay);
}

/**
 * A BullMQ worker process for a measured run: its processor publishes the same two Kafka messages
 * this service's order timeout emits (kafkajs, acks=all; not the idempotent producer, which allows
 * one request in flight and would serialize the worker's concurrent jobs).
 */
onStart<BullWorkerConfig>(async (config) => {
  const producer = benchKafka('bench-bullmq').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let committed = 0;
  let failed = 0;
  const { Worker } = loadBullMq();
  const worker = new Worker<OrderJobData>(
    config.queue,
    async (job) => {
      const messages = orderTimeoutMessages(config.topics, job.data.orderId, scheduledAt(job), new Date());
      await producer.sendBatch({
        acks: -1,
        topicMessages: messages.map((m) => ({
          topic: m.topic,
          messages: [{ key: m.key, value: JSON.stringify(m.value), headers: { 'x-event-id': m.eventId } }],
        })),
      });
      committed++;
    },
    {
      connection: { host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null },
      concurrency: config.concurrency,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    },
  );
  worker.on('failed', () => failed++);
  await worker.waitUntilReady();
  const progress = reportProgress(() => ({ committed, published: committed * 2 }));
  return async () => {
    clearInterval(progress);
    await worker.close(true);
    await producer.disconnect();
    return { committed, failed };
  };
});
