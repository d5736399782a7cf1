/**
 * Outbox relay throughput and latency, MariaDB outbox → local Kafka broker (npm run bench:relay).
 *   1. backlog: N committed outbox rows, then the relay drains them: rows/s end to end.
 *   2. steady: events appended at a fixed rate while the relay runs: commit-to-ack latency p50/p99.
 * Knobs: BENCH_RELAY_ROWS (default 20000), BENCH_RELAY_RATE (events/s, default 500),
 * BENCH_RELAY_SECONDS (default 5), OUTBOX_BATCH_SIZE (default 500), KAFKA_BROKERS, DATABASE_URL.
 */
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import { KafkaEventBus } from '../../src/messaging/kafka/kafka-event-bus';
import { OutboxRelay } from '../../src/messaging/outbox-relay';
import { MessagingTelemetry } from '../../src/messaging/telemetry';
import { MySqlJobStore } from '../../src/persistence/mysql-job-store';
import { SystemClock, type OutboxEvent } from '../../src/scheduler';
import { createBenchDatabase } from '../store/bench-database';
import { percentile, rate } from '../store/stats';

const ROWS = Number(process.env.BENCH_RELAY_ROWS ?? 20_000);
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 5);
const BATCH = Number(process.env.OUTBOX_BATCH_SIZE ?? 500);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

function events(topic: string, count: number): OutboxEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    topic,
    key: `order-${i % 1000}`,
    value: {
      orderId: `order-${i % 1000}`,
      reason: 'payment_timeout',
      items: [{ skuId: 'sku-1', quantity: 2 }],
    },
    headers: { 'x-scheduler-job-id': `order-timeout:order-${i % 1000}` },
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-relay', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench.relay.${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
  });
  const { ds, drop } = await createBenchDatabase(5);
  const clock = new SystemClock();
  const store = new MySqlJobStore(ds, clock);
  await store.start();
  const bus = new KafkaEventBus(kafka, {
    groupId: 'bench-relay',
    fromBeginning: true,
    topicPartitions: 6,
    replicationFactor: 1,
    maxBatch: 500,
    partitionsConcurrently: 1,
  });
  const telemetry = new MessagingTelemetry();
  const latencies: number[] = [];
  telemetry.on('outbox.published', (e) => latencies.push(...e.latenciesMs));
  const relay = (pollMs: number) =>
    new OutboxRelay(
      store,
      bus,
      clock,
      { batchSize: BATCH, pollMs, retentionHours: 24, downAfterMs: 30_000 },
      telemetry,
    );
  try {
    // Connect the producer outside the measurement.
    await bus.publish([{ topic, key: 'warm-up', value: '{}', headers: {} }]);

    // 1. Backlog drain.
    for (let i = 0; i < ROWS; i += 5000) await store.append(events(topic, Math.min(5000, ROWS - i)));
    const drain = relay(100);
    const t0 = Date.now();
    drain.start();
    while ((await store.countUnsent()) > 0) await sleep(20);
    const drainMs = Date.now() - t0;
    await drain.stop();
    console.log(
      `backlog drain: ${ROWS} rows in ${drainMs} ms = ${rate(ROWS, drainMs)} rows/s (batch ${BATCH})`,
    );

    // 2. Steady rate: latency from outbox commit to broker ack (includes the poll wait).
    latencies.length = 0;
    const steady = relay(Number(process.env.OUTBOX_POLL_MS ?? 100));
    steady.start();
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    const end = Date.now() + SECONDS * 1000;
    let appended = 0;
    while (Date.now() < end) {
      const next = Date.now() + tickMs;
      await store.append(events(topic, perTick));
      appended += perTick;
      await sleep(Math.max(0, next - Date.now()));
    }
    while ((await store.countUnsent()) > 0) await sleep(20);
    await steady.stop();
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `steady ${RATE} events/s for ${SECONDS} s (poll ${process.env.OUTBOX_POLL_MS ?? 100} ms): ${appended} events, ` +
        `commit-to-ack latency p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`,
    );
  } finally {
    await bus.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await store.stop();
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
