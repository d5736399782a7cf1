import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';

import { setupHttp } from '../../../src/admin/http-setup';
import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import type { FakeClock } from '../../../src/scheduler';
import { kafkaBrokers } from '../../support/env';
import { uniqueTopic } from '../../support/test-kafka';

export const API_KEY = 'e2e-admin-key-0123456789';

/** The service's own topics, unique to this file, so its consumer group and topics are its own. */
export function uniqueServiceTopics(label: string): Record<string, string> {
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

/** The whole service as main.ts builds it, against MariaDB and Kafka, on a fake clock. */
export async function bootAdminApp(o: {
  databaseUrl: string;
  topics: Record<string, string>;
  clock: FakeClock;
  /** Extra settings, e.g. a rate limit. */
  env?: Record<string, string>;
}): Promise<INestApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_SIZE: '4',
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_GROUP_ID: uniqueTopic('admin-e2e'),
    KAFKA_CREATE_TOPICS: 'true',
    KAFKA_TOPIC_PARTITIONS: '1',
    SCHEDULER_REPLICA_ID: 'admin-e2e-1',
    OUTBOX_POLL_MS: '20',
    ADMIN_API_KEYS: API_KEY,
    ...o.topics,
    ...o.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(o.clock)
    .compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  setupHttp(app, config);
  await app.init();
  return app;
}

import { eventually } from '../../support/eventually';

/** Everything due at `now` has fired and committed, no lease is held, and the outbox is relayed. */
export async function quiet(app: INestApplication, now: Date): Promise<void> {
  const ds = app.get(DataSource);
  const at = now.toISOString().slice(0, 23).replace('T', ' ');
  await eventually(`runs due at ${now.toISOString()} committed and relayed`, async () => {
    const [{ n }] = (await ds.query(
      'SELECT (SELECT COUNT(*) FROM scheduler_jobs WHERE (next_run_time <= ? AND paused = 0) OR lease_owner IS NOT NULL) + ' +
        '(SELECT COUNT(*) FROM scheduler_outbox WHERE sent_at IS NULL) AS n',
      [at],
    )) as Array<{ n: string }>;
    return Number(n) === 0 ? true : undefined;
  });
}
