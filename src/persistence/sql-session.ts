import type { DataSource, QueryRunner } from 'typeorm';

import { StoreUnavailableError } from '../scheduler/errors';
import { isRetryableLockError, translateStoreError } from './sql-errors';

/** The one thing the SQL helpers need: run a statement on one connection. */
export interface Sql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface RetryPolicy {
  /** Attempts in all (first try included) on deadlock / lock wait timeout. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 5, maxDelayMs: 400 };

/**
 * Index hint for every locking statement that names rows by id (`id IN (…)`). With stale statistics
 * (right after a bulk load) the optimizer may pick a full scan, and a full locking scan waits on
 * rows other replicas hold and deadlocks with them. Allowed in SELECT, UPDATE and the multi-table
 * DELETE form, on MySQL and MariaDB alike.
 */
export const BY_ID = 'FORCE INDEX (PRIMARY)';

/** Rows of a SELECT. The caller names the row shape it selected. */
export async function selectRows<T>(sql: Sql, text: string, parameters: unknown[] = []): Promise<T[]> {
  return (await sql.query(text, parameters)) as T[];
}

/** Affected rows of an INSERT / UPDATE / DELETE. */
export async function execute(sql: Sql, text: string, parameters: unknown[] = []): Promise<number> {
  const result = (await sql.query(text, parameters)) as { affectedRows?: number };
  return result.affectedRows ?? 0;
}

// Connections already switched to READ COMMITTED (session level, once per pooled connection):
// REPEATABLE READ deadlocks the SKIP LOCKED claim on MariaDB (DESIGN section 8).
const readCommittedConnections = new WeakSet<object>();

async function ensureReadCommitted(runner: QueryRunner): Promise<void> {
  const connection: unknown = (runner as unknown as { databaseConnection?: unknown }).databaseConnection;
  if (typeof connection !== 'object' || connection === null) return;
  if (readCommittedConnections.has(connection)) return;
  await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  readCommittedConnections.add(connection);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff with full jitter, so replicas that deadlocked together do not retry together. */
function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.random() * ceiling;
}

/**
 * Runs `work` on one pooled connection (READ COMMITTED), in a transaction when asked. Deadlocks
 * and lock wait timeouts are rolled back and retried; connection errors surface as StoreUnavailableError.
 * Backoff uses real timers on purpose: it is about the database, not the engine's clock.
 */
export async function withConnection<T>(
  dataSource: DataSource,
  operation: string,
  options: { transaction: boolean; retry: RetryPolicy; onLockRetry?: () => void },
  work: (sql: Sql) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(dataSource, options.transaction, work);
    } catch (error) {
      if (isRetryableLockError(error)) {
        if (attempt + 1 < options.retry.attempts) {
          options.onLockRetry?.();
          await delay(backoffMs(options.retry, attempt));
          continue;
        }
        throw new StoreUnavailableError(
          `${operation}: lock conflict persisted after ${attempt + 1} attempts`,
          error,
        );
      }
      throw translateStoreError(error, operation);
    }
  }
}

async function attemptOnce<T>(
  dataSource: DataSource,
  transaction: boolean,
  work: (sql: Sql) => Promise<T>,
): Promise<T> {
  if (!dataSource.isInitialized) throw new StoreUnavailableError('the data source is not connected');
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.connect();
    await ensureReadCommitted(runner);
    if (!transaction) return await work(runner);
    await runner.startTransaction();
    try {
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release().catch(() => undefined);
  }
}
