// orders.created ingestion into MySQL: (1) the store alone, batches of 500 as the consumer hands
// them; (2) through Kafka and the whole service. Prints numbers; asserts nothing about time.
import { DataSource } from 'typeorm';

import { dataSourceOptions, runMigrations } from '../../src/persistence/data-source';
import { MySqlJobStore } from '../../src/persistence/mysql-job-store';
import { MySqlOrderStates } from '../../src/orders/mysql-order-states';
import { ORDER_TIMEOUT_HANDLER } from '../../src/orders/order-state';
import { orderTimeoutHandler } from '../../src/orders/order-timeout';
import { OrdersService } from '../../src/orders/orders.service';
import type { OrderToSchedule } from '../../src/orders/order-state';
import { Scheduler, SystemClock } from '../../src/scheduler';
import { benchDatabase, benchTopics, bootService, kafka, until } from './bench-env';

const STORE_ORDERS = Number(process.env.BENCH_STORE_ORDERS ?? 20_000);
const KAFKA_ORDERS = Number(process.env.BENCH_KAFKA_ORDERS ?? 20_000);
const BATCH = 500;

async function storeOnly(url: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, { poolSize: 4 }));
  await runMigrations(ds);
  const clock = new SystemClock();
  const states = new MySqlOrderStates(ds);
  // Not started: only its units of work are used (the timeout handler is registered for validation).
  const scheduler = new Scheduler({ store: new MySqlJobStore(ds, clock), clock, owner: 'ingest-bench' });
  const topics = { cancel: 'c', restock: 'r', latePayment: 'late' };
  scheduler.registerHandler(ORDER_TIMEOUT_HANDLER, orderTimeoutHandler(topics, states, clock));
  const store = new OrdersService(scheduler, states, clock, {
    defaultTimeoutSeconds: 1800,
    latePaymentTopic: 'late',
  });
  const now = Date.now();
  const order = (i: number): OrderToSchedule => ({
    eventId: `e-${i}`,
    orderId: `store-${i}`,
    createdAt: new Date(now),
    runAt: new Date(now + 1_800_000 + (i % 1000)),
    items: [{ skuId: `sku-${i % 97}`, quantity: 1 + (i % 3) }],
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < STORE_ORDERS; i += BATCH)
    await store.recordCreated(
      Array.from({ length: Math.min(BATCH, STORE_ORDERS - i) }, (_, k) => order(i + k)),
    );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `ingest (store, batches of ${BATCH}): ${STORE_ORDERS} orders in ${seconds.toFixed(2)} s = ${Math.round(STORE_ORDERS / seconds)} orders/s`,
  );
  await ds.destroy();
}

async function throughKafka(url: string): Promise<void> {
  const topics = benchTopics('ingest');
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })),
  });
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  const createdAt = new Date().toISOString();
  for (let i = 0; i < KAFKA_ORDERS; i += 5000) {
    await producer.send({
      topic: topics.TOPIC_ORDERS_CREATED,
      messages: Array.from({ length: Math.min(5000, KAFKA_ORDERS - i) }, (_, k) => {
        const id = `kafka-${i + k}`;
        return {
          key: id,
          value: JSON.stringify({
            eventId: `e-${id}`,
            orderId: id,
            createdAt,
            items: [{ skuId: 'sku-1', quantity: 1 }],
          }),
        };
      }),
    });
  }
  await producer.disconnect();
  // The backlog is on the topic before the service starts: the rate is pure consume + validate + insert.
  const app = await bootService(url, topics, { KAFKA_CONSUME_FROM_BEGINNING: 'true' });
  const ds = app.get(DataSource);
  const count = async (): Promise<number> =>
    Number(
      (
        (await ds.query("SELECT COUNT(*) AS n FROM order_states WHERE order_id LIKE 'kafka-%'")) as {
          n: string;
        }[]
      )[0].n,
    );
  await until('the first orders', async () => (await count()) > 0, 120_000);
  const started = Date.now();
  const first = await count();
  await until('every order', async () => (await count()) >= KAFKA_ORDERS, 300_000);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `ingest (Kafka → service → MySQL, 6 partitions, INBOUND_BATCH_SIZE default): ${KAFKA_ORDERS - first} orders in ${seconds.toFixed(2)} s = ${Math.round((KAFKA_ORDERS - first) / seconds)} orders/s`,
  );
  await app.close();
  const cleanup = kafka().admin();
  await cleanup.connect();
  await cleanup.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await cleanup.disconnect();
}

async function main(): Promise<void> {
  const db = await benchDatabase('orders_ingest');
  try {
    await storeOnly(db.url);
    await throughKafka(db.url);
  } finally {
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
