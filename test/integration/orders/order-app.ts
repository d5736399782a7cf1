import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import { OrdersService } from '../../../src/orders/orders.service';
import type { FakeClock } from '../../../src/scheduler';
import { kafkaBrokers } from '../../support/env';
import { uniqueTopic } from '../../support/test-kafka';

/**
 * The service's topics, unique to one test file (TOPIC_* variables). A type, not an interface, so
 * it also passes as the Record<string, string> of settings the admin fixture takes.
 */
export type ServiceTopics = {
  TOPIC_ORDERS_CREATED: string;
  TOPIC_ORDERS_PAID: string;
  TOPIC_ORDERS_CANCEL: string;
  TOPIC_INVENTORY_RESTOCK: string;
  TOPIC_ORDERS_LATE_PAYMENT: string;
  TOPIC_SCHEDULER_COMMANDS: string;
  TOPIC_SCHEDULER_DEAD_LETTER: string;
};

export function uniqueServiceTopics(label: string): ServiceTopics {
  return {
    TOPIC_ORDERS_CREATED: uniqueTopic(`${label}.created`),
    TOPIC_ORDERS_PAID: uniqueTopic(`${label}.paid`),
    TOPIC_ORDERS_CANCEL: uniqueTopic(`${label}.cancel`),
    TOPIC_INVENTORY_RESTOCK: uniqueTopic(`${label}.restock`),
    TOPIC_ORDERS_LATE_PAYMENT: uniqueTopic(`${label}.late`),
    TOPIC_SCHEDULER_COMMANDS: uniqueTopic(`${label}.commands`),
    TOPIC_SCHEDULER_DEAD_LETTER: uniqueTopic(`${label}.dead`),
  };
}

export interface BootOptions {
  databaseUrl: string;
  topics: ServiceTopics;
  groupId: string;
  replicaId: string;
  clock: FakeClock;
  env?: Record<string, string>;
}

/**
 * The whole service against the real MariaDB and Kafka broker, on a fake clock. It creates its
 * topics (and their .dlq) itself. Resolves once the app is initialised; the consumer joins its
 * group in the background (tests wait for effects with bounded polls).
 */
export async function bootService(o: BootOptions): Promise<INestApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_SIZE: '8',
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_GROUP_ID: o.groupId,
    KAFKA_CLIENT_ID: `orders-test-${o.replicaId}`,
    KAFKA_CREATE_TOPICS: 'true',
    KAFKA_TOPIC_PARTITIONS: '3',
    SCHEDULER_REPLICA_ID: o.replicaId,
    OUTBOX_POLL_MS: '20',
    ...o.topics,
    ...o.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(o.clock)
    .compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

export function ordersService(app: INestApplication): OrdersService {
  return app.get(OrdersService);
}

export function dataSource(app: INestApplication): DataSource {
  return app.get(DataSource);
}

import { eventually } from '../../support/eventually';
import { httpAdapter } from '../../../src/admin/http-setup';

export { eventually };

/** Rows of order_states by status for ids with `prefix`. */
export async function orderStatuses(ds: DataSource, prefix: string): Promise<Map<string, string>> {
  const rows = (await ds.query('SELECT order_id, status FROM order_states WHERE order_id LIKE ?', [
    `${prefix}%`,
  ])) as {
    order_id: string;
    status: string;
  }[];
  return new Map(rows.map((r) => [r.order_id, r.status]));
}

/** Jobs still stored (any state) whose id starts with `prefix`. */
export async function countJobs(ds: DataSource, prefix: string): Promise<number> {
  const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM scheduler_jobs WHERE id LIKE ?', [
    `${prefix}%`,
  ])) as {
    n: string;
  }[];
  return Number(n);
}

/** Nothing due at `now` left unfired, no lease held, and the outbox relayed. */
export async function quiet(ds: DataSource, now: Date, timeoutMs = 60_000): Promise<void> {
  const at = now.toISOString().slice(0, 23).replace('T', ' ');
  await eventually(
    `due jobs fired and the outbox relayed at ${now.toISOString()}`,
    async () => {
      const [{ n }] = (await ds.query(
        'SELECT (SELECT COUNT(*) FROM scheduler_jobs WHERE (next_run_time <= ? AND paused = 0) OR lease_owner IS NOT NULL) + ' +
          '(SELECT COUNT(*) FROM scheduler_outbox WHERE sent_at IS NULL) AS n',
        [at],
      )) as { n: string }[];
      return Number(n) === 0 ? true : undefined;
    },
    timeoutMs,
  );
}
