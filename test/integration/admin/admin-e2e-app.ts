import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';

import { HTTP_APP_OPTIONS, httpAdapter, setupHttp } from '../../../src/admin/http-setup';
import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { LOG_DESTINATION } from '../../../src/app/logging/log-destination';
import { CLOCK } from '../../../src/app/scheduler/tokens';
import type { FakeClock } from '../../../src/scheduler';
import { kafkaBrokers } from '../../support/env';
import { uniqueTopic } from '../../support/test-kafka';
import { quiet as quietStore, uniqueServiceTopics } from '../orders/order-app';

export const API_KEY = 'e2e-admin-key-0123456789';

/** The service's own topics, unique to one file, so its consumer group and topics are its own. */
export { uniqueServiceTopics };

/** The whole service as main.ts builds it, against MariaDB and Kafka, on a fake clock. */
export async function bootAdminApp(o: {
  databaseUrl: string;
  topics: Record<string, string>;
  clock: FakeClock;
  /** Extra settings, e.g. a rate limit. */
  env?: Record<string, string>;
  /** Where log lines go (with LOG_LEVEL in env), to read them; default stdout. */
  logDestination?: DestinationStream;
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
    .overrideProvider(LOG_DESTINATION)
    .useValue(o.logDestination ?? null)
    .compile();
  const app = moduleRef.createNestApplication(httpAdapter(config), HTTP_APP_OPTIONS);
  setupHttp(app, config);
  await app.init();
  return app;
}

/** Everything due at `now` has fired and committed, no lease is held, and the outbox is relayed. */
export function quiet(app: INestApplication, now: Date): Promise<void> {
  return quietStore(app.get(DataSource), now);
}
