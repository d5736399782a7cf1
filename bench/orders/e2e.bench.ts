// End to end: N order timeouts due at one instant, fired by the running service (system clock),
// through the outbox relay onto Kafka. Prints fires/s and lateness (scheduled time → cancel read
// from the topic by a consumer) p50/p99. Asserts nothing about time.
import { DataSource } from 'typeorm';

import { OrdersService } from '../../src/orders/orders.service';
import type { OrderToSchedule } from '../../src/orders/order-state';
import { benchDatabase, benchTopics, bootService, kafka, percentile, until } from './bench-env';

const N = Number(process.env.BENCH_E2E_ORDERS ?? 10_000);
const LEAD_MS = 4_000;

async function main(): Promise<void> {
  const db = await benchDatabase('orders_e2e');
  const topics = benchTopics('e2e');
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })),
  });
  await admin.disconnect();

  const arrivals = new Map<string, number>();
  const consumer = kafka().consumer({ groupId: `bench-e2e-reader-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.TOPIC_ORDERS_CANCEL, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) if (m.key) arrivals.set(m.key.toString(), now);
    },
  });

  // OUTBOX_POLL_MS is left at its default: committed runs wake the relay, and polling every 20 ms
  // cost two queries per poll on the database the engine is committing to.
  const env = {
    SCHEDULER_BATCH_SIZE: process.env.BENCH_E2E_BATCH ?? '1000',
    SCHEDULER_MAX_CONCURRENCY: '1000',
    OUTBOX_BATCH_SIZE: '1000',
  };
  const app = await bootService(db.url, topics, env);
  const store = app.get(OrdersService);
  const due = new Date(Date.now() + LEAD_MS);
  const order = (i: number): OrderToSchedule => ({
    eventId: `e-${i}`,
    orderId: `o-${i}`,
    createdAt: new Date(due.getTime() - 1_800_000),
    runAt: due,
    items: [{ skuId: 'sku-1', quantity: 1 }],
  });
  for (let i = 0; i < N; i += 1000)
    await store.recordCreated(Array.from({ length: Math.min(1000, N - i) }, (_, k) => order(i + k)));
  if (Date.now() >= due.getTime()) console.log('warning: seeding took longer than the lead time');

  await until('every cancel on Kafka', async () => arrivals.size >= N, 300_000);
  const lateness = [...arrivals.values()].map((t) => t - due.getTime()).sort((a, b) => a - b);
  const last = lateness[lateness.length - 1];
  console.log(
    `e2e (due job → orders.cancel readable on Kafka; + inventory.restock each): ${N} fires in ${(last / 1000).toFixed(2)} s ` +
      `after the due time = ${Math.round(N / (last / 1000))} fires/s; lateness p50 ${percentile(lateness, 50)} ms, ` +
      `p99 ${percentile(lateness, 99)} ms, max ${last} ms (SCHEDULER_BATCH_SIZE=${env.SCHEDULER_BATCH_SIZE}, SCHEDULER_MAX_CONCURRENCY=1000, OUTBOX_BATCH_SIZE=1000)`,
  );
  // Where the time went: outbox rows are stamped when their run's completion commits, and when relayed.
  const [split] = (await app
    .get(DataSource)
    .query('SELECT MAX(created_at) AS committed, MAX(sent_at) AS relayed FROM scheduler_outbox')) as {
    committed: Date;
    relayed: Date;
  }[];
  console.log(
    `e2e split: last run committed ${new Date(split.committed).getTime() - due.getTime()} ms after the due time, ` +
      `last event relayed ${new Date(split.relayed).getTime() - due.getTime()} ms after it`,
  );
  await consumer.disconnect();
  await app.close();
  const cleanup = kafka().admin();
  await cleanup.connect();
  await cleanup.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await cleanup.disconnect();
  await db.drop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
