import path from 'node:path';

import { DataSource, type DataSourceOptions } from 'typeorm';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';

import { withMigrationLock } from './migration-lock';
import { MAX_PREPARED_STATEMENTS } from './prepared-insert';

export type MysqlDataSourceOverrides = Partial<Omit<MysqlConnectionOptions, 'type' | 'url'>>;

/** Default URL when DATABASE_URL is unset: the local MariaDB that scripts/infra/mariadb.sh starts. */
export const DEFAULT_DATABASE_URL = 'mysql://scheduler:scheduler@127.0.0.1:3306/scheduler';

/**
 * TypeORM options for the scheduler's MySQL/MariaDB database.
 * - timezone 'Z': mysql2 writes and reads DATETIME(3) as UTC, with milliseconds.
 * - synchronize is off for good: the schema changes only through migrations.
 * - the migrations glob resolves from src/persistence (ts under jest) and from
 *   dist/src/persistence (compiled js), both two levels below the project or dist root.
 */
export function dataSourceOptions(url: string, overrides: MysqlDataSourceOverrides = {}): DataSourceOptions {
  const options: MysqlConnectionOptions = {
    type: 'mysql',
    connectorPackage: 'mysql2',
    ...urlParts(url),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    // Outbox ids are BIGINT: keep them as strings so they never lose precision.
    bigNumberStrings: true,
    dateStrings: false,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: [path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    // No entities: every statement is hand-written SQL, and migrations are written by hand too.
    entities: [],
    poolSize: 10,
    // Multi-row INSERTs of many rows are prepared statements (prepared-insert.ts); bound them.
    extra: { maxPreparedStatements: MAX_PREPARED_STATEMENTS },
    connectTimeout: 5000,
    // The store maps driver errors itself (a duplicate id is a ConflictingIdError, not a log line).
    logging: false,
    ...overrides,
  };
  return options;
}

/**
 * The URL's parts as separate options: TypeORM would let a `url` win over an explicit password,
 * and drop anything after `?` without a word (TLS goes in `ssl`).
 */
function urlParts(
  url: string,
): Pick<MysqlConnectionOptions, 'host' | 'port' | 'username' | 'password' | 'database'> {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/**
 * Initialize (if needed) and bring the schema up to date under the migration lock, so replicas
 * starting together never run the same DDL twice; used by app start, tests and the benchmark.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}
