import { readdirSync } from 'node:fs';
import path from 'node:path';

import { ConsoleLogger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { DataSource } from 'typeorm';

import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { dataSourceOptions } from '../../../src/persistence/data-source';
import { migrationLockName, withMigrationLock } from '../../../src/persistence/migration-lock';
import { eventually } from '../../support/eventually';
import { kafkaBrokers } from '../../support/env';
import { connectToServer, createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createKafka, uniqueTopic } from '../../support/test-kafka';
import { uniqueServiceTopics } from '../orders/order-app';
import { httpAdapter } from '../../../src/admin/http-setup';

// Budget: three apps booting at once on a loaded 2-core machine, then three consumers joining one
// group (each join triggers a rebalance of the others) before every replica reports ready.
jest.setTimeout(150_000);

const REPLICAS = 3;
const MIGRATION_FILES = readdirSync(path.join(__dirname, '..', '..', '..', 'migrations')).filter((f) =>
  f.endsWith('.ts'),
).length;

// Replicas of a fresh deployment start together on an empty database and an empty cluster: each
// runs the migrations and creates the topics at start. They must not trip over each other.
describe('three replicas started together on an empty database', () => {
  let db: TestDatabase;
  const apps: INestApplication[] = [];
  const topics = uniqueServiceTopics('start');
  // Nest's TypeORM module retries a failed start; a race it papered over must still fail the test.
  const errors: string[] = [];
  class RecordingLogger extends ConsoleLogger {
    override error(message: unknown, ...rest: unknown[]): void {
      errors.push(String(message));
      super.error(message, ...rest);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('replicas_start');
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await db?.drop();
  });

  async function boot(replica: number): Promise<INestApplication> {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '4',
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_GROUP_ID: uniqueTopic('start-group'),
      KAFKA_CREATE_TOPICS: 'true',
      KAFKA_TOPIC_PARTITIONS: '3',
      SCHEDULER_REPLICA_ID: `start-${replica}`,
      ...topics,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .setLogger(new RecordingLogger())
      .compile();
    const app = moduleRef.createNestApplication(httpAdapter(), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  }

  it('all become ready, each migration applied once, each topic created', async () => {
    const started = await Promise.allSettled(Array.from({ length: REPLICAS }, (_, i) => boot(i + 1)));
    const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    expect(failures).toEqual([]);
    expect(errors).toEqual([]);

    for (const app of apps) {
      await eventually(
        'replica /health/ready 200',
        async () =>
          (await request(app.getHttpServer()).get('/health/ready')).status === 200 ? true : undefined,
        90_000,
      );
    }

    const conn = await connectToServer();
    try {
      const [rows] = (await conn.query(
        `SELECT name, COUNT(*) AS n FROM \`${db.database}\`.migrations GROUP BY name`,
      )) as unknown as [Array<{ name: string; n: number }>];
      expect(rows).toHaveLength(MIGRATION_FILES);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    } finally {
      await conn.end();
    }

    const admin = createKafka('start-check').admin();
    await admin.connect();
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: Object.values(topics) });
      expect(meta.map((t) => t.partitions.length)).toEqual(Object.values(topics).map(() => 3));
    } finally {
      await admin.disconnect();
    }
  });

  it('a replica that cannot get the lock in time fails with MIGRATION_LOCK_TIMEOUT, migrating nothing', async () => {
    const holder = await connectToServer();
    const ds = await new DataSource(dataSourceOptions(db.url, { poolSize: 2 })).initialize();
    try {
      const [[got]] = (await holder.query('SELECT GET_LOCK(?, 0) AS got', [
        migrationLockName(db.database),
      ])) as unknown as [Array<{ got: number }>];
      expect(Number(got.got)).toBe(1);
      const work = jest.fn(async () => undefined);
      await expect(withMigrationLock(ds, work, 1)).rejects.toMatchObject({ code: 'MIGRATION_LOCK_TIMEOUT' });
      expect(work).not.toHaveBeenCalled();
      // The holder gone, the next replica gets it.
      await holder.query('DO RELEASE_LOCK(?)', [migrationLockName(db.database)]);
      await withMigrationLock(ds, work, 1);
      expect(work).toHaveBeenCalledTimes(1);
    } finally {
      await holder.end();
      await ds.destroy();
    }
  });
});
