import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { InboundConsumer } from '../../../src/messaging/inbound/inbound-consumer';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { uniqueTopic } from '../../support/test-kafka';
import { httpAdapter } from '../../../src/admin/http-setup';

jest.setTimeout(60_000);

// The plumbing is real: the whole app booted against the local MariaDB and Kafka broker.
describe('app against MariaDB and Kafka', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('health');
    const config = loadConfig({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      // The app creates its own (unique) topics, so its consumer can join and report ready.
      KAFKA_CREATE_TOPICS: 'true',
      KAFKA_GROUP_ID: uniqueTopic('health-group'),
      ...Object.fromEntries(
        [
          'ORDERS_CREATED',
          'ORDERS_PAID',
          'ORDERS_CANCEL',
          'INVENTORY_RESTOCK',
          'ORDERS_LATE_PAYMENT',
          'SCHEDULER_COMMANDS',
        ].map((name) => [`TOPIC_${name}`, uniqueTopic(`health.${name.toLowerCase()}`)]),
      ),
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = moduleRef.createNestApplication(httpAdapter());
    await app.init();
    await app.get(InboundConsumer).ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers /health/live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports MySQL and Kafka separately on /health/ready', async () => {
    // The consumer joins its group in the background: ready once it has (bounded poll).
    let res = await request(app.getHttpServer()).get('/health/ready');
    for (const deadline = Date.now() + 30_000; res.status !== 200 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      res = await request(app.getHttpServer()).get('/health/ready');
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.mysql).toEqual({ status: 'up' });
    expect(res.body.checks.kafka.status).toBe('up');
    expect(res.body.checks.scheduler).toEqual({ status: 'up' });
    expect(res.body.checks.outbox.status).toBe('up');
    expect(res.body.checks.inbound.status).toBe('up');
  });

  it('ran the migrations into its own database', async () => {
    const { DataSource } = await import('typeorm');
    const dataSource = app.get(DataSource);
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM migrations');
    expect(rows.length).toBeGreaterThan(0);
  });
});
