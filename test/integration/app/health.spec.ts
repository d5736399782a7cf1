import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// The plumbing is real: the whole app booted against the local MariaDB and Kafka broker.
describe('app against MariaDB and Kafka', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('health');
    const config = loadConfig({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      KAFKA_CREATE_TOPICS: 'false',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers /health/live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports MySQL and Kafka separately on /health/ready', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.mysql).toEqual({ status: 'up' });
    expect(res.body.checks.kafka.status).toBe('up');
    expect(res.body.checks.scheduler).toEqual({ status: 'up' });
  });

  it('ran the migrations into its own database', async () => {
    const { DataSource } = await import('typeorm');
    const dataSource = app.get(DataSource);
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM migrations');
    expect(rows.length).toBeGreaterThan(0);
  });
});
