// Smoke: TypeORM writes and reads a row on the test MariaDB/MySQL server.
import 'reflect-metadata';
import { Column, DataSource, Entity, PrimaryColumn, Table } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../support/test-database';

@Entity({ name: 'smoke_item' })
class SmokeItem {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  label!: string;

  @Column({ type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'json' })
  payload!: { items: { skuId: string; quantity: number }[] };
}

describe('smoke: MariaDB through TypeORM', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('smoke-typeorm');
    dataSource = new DataSource({
      type: 'mysql',
      url: db.url,
      entities: [SmokeItem],
      synchronize: false,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
    });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await runner.createTable(
        new Table({
          name: 'smoke_item',
          columns: [
            { name: 'id', type: 'varchar', length: '64', isPrimary: true },
            { name: 'label', type: 'varchar', length: '255' },
            { name: 'dueAt', type: 'datetime', precision: 3 },
            { name: 'payload', type: 'json' },
          ],
        }),
      );
    } finally {
      await runner.release();
    }
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('saves a row and finds it again with UTC millisecond time and utf8mb4 text', async () => {
    const repo = dataSource.getRepository(SmokeItem);
    const dueAt = new Date('2026-03-29T01:30:00.123Z');
    await repo.save(
      repo.create({
        id: 'order-1',
        label: 'café ☕ 🚚',
        dueAt,
        payload: { items: [{ skuId: 'sku-1', quantity: 2 }] },
      }),
    );

    const found = await repo.findOneByOrFail({ id: 'order-1' });

    expect(found.label).toBe('café ☕ 🚚');
    expect(found.dueAt.toISOString()).toBe('2026-03-29T01:30:00.123Z');
    expect(found.payload).toEqual({ items: [{ skuId: 'sku-1', quantity: 2 }] });
    const [row] = await dataSource.query(
      'SELECT DATE_FORMAT(dueAt, "%Y-%m-%d %H:%i:%s.%f") AS stored FROM smoke_item',
    );
    expect(row.stored).toBe('2026-03-29 01:30:00.123000');
  });
});
