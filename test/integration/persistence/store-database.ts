import 'reflect-metadata';

import { DataSource, type MigrationInterface } from 'typeorm';

import { dataSourceOptions, runMigrations } from '../../../src/persistence/data-source';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

/** A fresh, migrated database for one test file, and a way to open more pools on it. */
export interface StoreDatabase {
  db: TestDatabase;
  /** A migrated DataSource the file can use for its own queries. */
  admin: DataSource;
  /** Another pool on the same database (one per simulated replica). */
  openPool(poolSize?: number): Promise<DataSource>;
  /** Empty every scheduler table (between tests of one file). */
  truncate(): Promise<void>;
  close(): Promise<void>;
}

export async function openStoreDatabase(label: string): Promise<StoreDatabase> {
  const db = await createTestDatabase(label);
  const pools: DataSource[] = [];
  const openPool = async (poolSize = 5): Promise<DataSource> => {
    const ds = new DataSource(dataSourceOptions(db.url, { poolSize }));
    await ds.initialize();
    pools.push(ds);
    return ds;
  };
  const admin = await openPool(5);
  await runMigrations(admin);
  return {
    db,
    admin,
    openPool,
    async truncate() {
      for (const table of [
        'scheduler_jobs',
        'scheduler_job_runs',
        'scheduler_outbox',
        'scheduler_state',
        'scheduler_job_sources',
      ]) {
        await admin.query(`TRUNCATE TABLE ${table}`);
      }
    },
    async close() {
      for (const ds of pools) if (ds.isInitialized) await ds.destroy().catch(() => undefined);
      await db.drop();
    },
  };
}

/** Runs one migration's `up` or `down` on the database (a migration's own test). */
export async function runMigration(
  database: StoreDatabase,
  migration: MigrationInterface,
  direction: 'up' | 'down',
): Promise<void> {
  const runner = database.admin.createQueryRunner();
  try {
    await migration[direction](runner);
  } finally {
    await runner.release();
  }
}
