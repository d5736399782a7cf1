import { createHash } from 'node:crypto';

import type { DataSource, QueryRunner } from 'typeorm';

/** Longest a replica waits for another one's migrations before giving up (large ALTERs take minutes). */
export const MIGRATION_LOCK_WAIT_SECONDS = 600;

/** Another replica held the migration lock for longer than the wait allowed. */
export class MigrationLockTimeoutError extends Error {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';

  constructor(
    readonly lockName: string,
    readonly waitedSeconds: number,
  ) {
    super(
      `another replica held the migration lock ${lockName} for more than ${waitedSeconds} s; ` +
        'check for a stuck migration (SELECT IS_USED_LOCK(...)) and restart',
    );
    this.name = 'MigrationLockTimeoutError';
  }
}

/**
 * Runs `work` while holding a MySQL named lock (GET_LOCK) taken on a connection of its own, so
 * replicas starting together migrate one after the other: the first applies the schema, the
 * others wait, then find nothing left to do. The server frees the lock if the holder dies.
 * One lock per database: test databases (and tenants) on one server do not wait for each other.
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
  waitSeconds = MIGRATION_LOCK_WAIT_SECONDS,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    const name = await lockName(runner);
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds])) as Array<{
      got: number | string | null;
    }>;
    if (Number(row?.got) !== 1) throw new MigrationLockTimeoutError(name, waitSeconds);
    try {
      return await work();
    } finally {
      await runner.query('DO RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    await runner.release().catch(() => undefined);
  }
}

/** The lock's name for one database (GET_LOCK names are at most 64 characters, database names too). */
export function migrationLockName(database: string): string {
  return `migrations:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

async function lockName(runner: QueryRunner): Promise<string> {
  const [row] = (await runner.query('SELECT DATABASE() AS db')) as Array<{ db: string | null }>;
  return migrationLockName(String(row?.db));
}
