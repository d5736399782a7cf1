import 'reflect-metadata';

import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

import { dataSourceOptions, DEFAULT_DATABASE_URL, runMigrations } from '../../src/persistence/data-source';
import { seqSelect } from './seq-sql';

/** A fresh database on the DATABASE_URL server, migrated, dropped by `drop()`. */
export async function createBenchDatabase(
  poolSize: number,
): Promise<{ ds: DataSource; drop(): Promise<void> }> {
  const server = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const name = `bench_store_${Date.now().toString(36)}`;
  const connect = () =>
    createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
  const admin = await connect().catch((error: Error) => {
    throw new Error(`cannot reach ${server.host} (${error.message}); start it with: npm run infra:up`);
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  const ds = new DataSource(dataSourceOptions(url.toString(), { poolSize }));
  await runMigrations(ds);
  return {
    ds,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Far-future, never-due jobs, inserted server side in chunks of 100k (multi-row INSERT … SELECT). */
export async function insertPendingJobs(ds: DataSource, from: number, count: number): Promise<void> {
  const chunk = 100_000;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    await ds.query(`
      INSERT INTO scheduler_jobs (id, name, \`trigger\`, action, paused, next_run_time, created_at, updated_at)
      SELECT CONCAT('pending-', n), 'pending', '{"type":"date","runDate":"2099-01-01T00:00:00.000Z"}',
        '{"handler":"emitTwo"}', 0, '2099-01-01 00:00:00' + INTERVAL n SECOND, '2026-01-01', '2026-01-01'
      FROM ${seqSelect(from + start, n)} AS seq`);
  }
}
