import type { DataSource } from 'typeorm';

import {
  ConflictingIdError,
  JobLookupError,
  StoreUnavailableError,
  TransactionConflictError,
} from '../scheduler/errors';
import type { Job } from '../scheduler/job';
import type { Clock } from '../scheduler/ports/clock';
import type {
  AcquireJobRequest,
  AcquireRequest,
  CompleteResult,
  DeadRun,
  DeadRunQuery,
  JobCounts,
  JobListQuery,
  JobStore,
  RunCompletion,
  RunHistoryEntry,
  StoreTransaction,
} from '../scheduler/ports/job-store';
import type { OutboxEvent } from '../scheduler/outbox';
import type {
  DeadLetteredEvent,
  DeadLetterQuery,
  OutboxStore,
  StoredOutboxEvent,
  UnsentQuery,
} from '../scheduler/ports/outbox-store';
import { claimDueJobs, claimOneJob, extendLeaseRows, releaseLeaseRows, selectNextRunTime } from './claim-sql';
import { applyCompletions } from './completion-sql';
import { JOB_COLUMNS, type JobRow, jobUpdateAssignments, rowToJob } from './job-row';
import { discardDeadRunRow, redriveDeadRunRow, selectDeadRun, selectDeadRuns } from './dead-run-sql';
import { ADD_JOBS_CHUNK, insertAllOrNone, insertJob } from './job-write-sql';
import { MySqlStoreTransaction } from './mysql-transaction';
import { countJobRows, selectJobPage } from './list-sql';
import {
  countUnsentRows,
  deleteSentChunk,
  insertOutboxRows,
  markRowsDead,
  markRowsSent,
  recordFailureRows,
  selectDeadLetters,
  selectUnsent,
} from './outbox-sql';
import { pruneRunRows, RunPruneCursor, rowToRunHistory, type RunRow } from './run-history';
import { ER_DUP_ENTRY, errnoOf } from './sql-errors';
import {
  DEFAULT_RETRY,
  execute,
  type RetryPolicy,
  selectRows,
  type Sql,
  withConnection,
} from './sql-session';

export interface MySqlJobStoreOptions {
  retry?: RetryPolicy;
  /** Destroy the DataSource on stop(). Default false: whoever created it closes it. */
  ownsDataSource?: boolean;
}

const PRUNE_CHUNK = 5000;
/** Attempts of a unit of work that meets a concurrent insert of the same key (duplicate key). */
const CONFLICT_ATTEMPTS = 5;

/**
 * JobStore + OutboxStore on MySQL 8 / MariaDB 10.11, for several replicas sharing one database.
 *
 * Hot paths (claim, completion, outbox, bulk add) are hand-written SQL, batched, each a short
 * READ COMMITTED transaction; times come from the engine's Clock, never the server's NOW().
 *
 * maxInstances across replicas: a job row is leased to one replica at a time (SKIP LOCKED claim +
 * lease_owner/lease_expiry) and stays leased until its completion commits, extended while runs are
 * long. So every in-flight run of a job is on the lease holder, which counts them locally against
 * maxInstances; no other replica can start one. If the holder dies its runs die with it, and the
 * replica that reclaims the expired lease starts from zero, which is then the truth.
 */
export class MySqlJobStore implements JobStore, OutboxStore {
  private readonly retry: RetryPolicy;
  /** Retention batches of one pass continue where the previous one stopped. */
  private readonly pruneCursor = new RunPruneCursor();
  /** Deadlocks and lock wait timeouts retried so far (for metrics and the benchmark). */
  readonly stats = { lockRetries: 0 };
  private readonly countRetry = (): void => {
    this.stats.lockRetries++;
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly options: MySqlJobStoreOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  async start(): Promise<void> {
    try {
      if (!this.dataSource.isInitialized) await this.dataSource.initialize();
    } catch (error) {
      throw new StoreUnavailableError(`cannot connect to the job store database: ${String(error)}`, error);
    }
    await this.auto('start', async (sql) => {
      const tables = await selectRows<{ n: number | string }>(
        sql,
        'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() ' +
          "AND table_name IN ('scheduler_jobs', 'scheduler_job_runs', 'scheduler_outbox')",
      );
      if (Number(tables[0]?.n) !== 3) {
        throw new Error('scheduler tables are missing: run the migrations (npm run migration:run)');
      }
    });
  }

  async stop(): Promise<void> {
    if (this.options.ownsDataSource && this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async addJob(job: Job): Promise<void> {
    try {
      await this.auto('addJob', (sql) => insertJob(sql, job, this.clock.now()));
    } catch (error) {
      if (errnoOf(error) === ER_DUP_ENTRY) throw new ConflictingIdError(job.id);
      throw error;
    }
  }

  async addJobs(jobs: Job[]): Promise<{ added: string[]; duplicates: string[] }> {
    const added: string[] = [];
    const duplicates: string[] = [];
    for (let i = 0; i < jobs.length; i += ADD_JOBS_CHUNK) {
      const chunk = jobs.slice(i, i + ADD_JOBS_CHUNK);
      // One INSERT when no id is taken (one round trip and one commit), else the sorting transaction.
      if (await this.auto('addJobs', (sql) => insertAllOrNone(sql, chunk, this.clock.now()))) {
        added.push(...chunk.map((job) => job.id));
        continue;
      }
      const result = await this.transaction((tx) => tx.addJobs(chunk));
      added.push(...result.added);
      duplicates.push(...result.duplicates);
    }
    return { added, duplicates };
  }

  /**
   * One transaction per attempt. Deadlocks and lock wait timeouts are retried by withConnection; a
   * duplicate key (a concurrent writer inserted the same job or domain row first) rolls the
   * attempt back and runs `work` again, which then sees that row.
   */
  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let callbacks: (() => void)[] = [];
      try {
        const result = await this.tx('transaction', async (sql) => {
          const tx = new MySqlStoreTransaction(sql, this.clock.now());
          try {
            return await work(tx);
          } finally {
            callbacks = tx.close();
          }
        });
        for (const callback of callbacks) callback();
        return result;
      } catch (error) {
        if (errnoOf(error) !== ER_DUP_ENTRY) throw error;
        if (attempt >= CONFLICT_ATTEMPTS) throw new TransactionConflictError(attempt, error);
      }
    }
  }

  async countJobs(now: Date): Promise<JobCounts> {
    return this.auto('countJobs', (sql) => countJobRows(sql, now));
  }

  async updateJob(job: Job): Promise<void> {
    const { set, values } = jobUpdateAssignments(job, this.clock.now());
    const affected = await this.auto('updateJob', (sql) =>
      execute(sql, `UPDATE scheduler_jobs SET ${set} WHERE id = ?`, [...values, job.id]),
    );
    if (affected === 0) throw new JobLookupError(job.id);
  }

  async removeJob(id: string): Promise<void> {
    const affected = await this.auto('removeJob', (sql) =>
      execute(sql, 'DELETE FROM scheduler_jobs WHERE id = ?', [id]),
    );
    if (affected === 0) throw new JobLookupError(id);
  }

  async removeAllJobs(): Promise<void> {
    await this.auto('removeAllJobs', (sql) => execute(sql, 'DELETE FROM scheduler_jobs'));
  }

  async getJob(id: string): Promise<Job | null> {
    const rows = await this.auto('getJob', (sql) =>
      selectRows<JobRow>(sql, `SELECT ${JOB_COLUMNS} FROM scheduler_jobs WHERE id = ?`, [id]),
    );
    return rows.length === 0 ? null : rowToJob(rows[0]);
  }

  async getJobs(): Promise<Job[]> {
    const rows = await this.auto('getJobs', (sql) =>
      selectRows<JobRow>(
        sql,
        `SELECT ${JOB_COLUMNS} FROM scheduler_jobs ORDER BY next_run_time IS NULL, next_run_time, id`,
      ),
    );
    return rows.map(rowToJob);
  }

  /** Keyset pages read along an index (list-sql.ts); no transaction, as the other reads. */
  async listJobs(query: JobListQuery): Promise<Job[]> {
    return this.auto('listJobs', (sql) => selectJobPage(sql, query));
  }

  async getNextRunTime(): Promise<Date | null> {
    return this.auto('getNextRunTime', (sql) => selectNextRunTime(sql, this.clock.now()));
  }

  async acquireDueJobs(request: AcquireRequest): Promise<Job[]> {
    return this.tx('acquireDueJobs', (sql) => claimDueJobs(sql, request));
  }

  async acquireJob(request: AcquireJobRequest): Promise<Job | null> {
    return this.tx('acquireJob', (sql) => claimOneJob(sql, request));
  }

  async extendLeases(owner: string, jobIds: string[], leaseUntil: Date): Promise<void> {
    if (jobIds.length === 0) return;
    await this.auto('extendLeases', (sql) => extendLeaseRows(sql, owner, jobIds, leaseUntil));
  }

  async completeRuns(owner: string, completions: RunCompletion[]): Promise<CompleteResult> {
    if (completions.length === 0) return { leaseLost: [] };
    let callbacks: (() => void)[] = [];
    const result = await this.tx('completeRuns', async (sql) => {
      // Guards of guarded runs join this transaction as a unit of work would.
      const tx = new MySqlStoreTransaction(sql, this.clock.now());
      try {
        return await applyCompletions(sql, owner, completions, tx.now, tx);
      } finally {
        callbacks = tx.close();
      }
    });
    for (const callback of callbacks) callback();
    return result;
  }

  async releaseJobs(owner: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.auto('releaseJobs', (sql) => releaseLeaseRows(sql, owner, jobIds));
  }

  async getRunHistory(jobId: string, limit: number): Promise<RunHistoryEntry[]> {
    const rows = await this.auto('getRunHistory', (sql) =>
      selectRows<RunRow>(
        sql,
        'SELECT job_id, scheduled_at, started_at, finished_at, outcome, error, owner, attempt FROM scheduler_job_runs ' +
          'WHERE job_id = ? ORDER BY id DESC LIMIT ?',
        [jobId, Math.max(0, Math.floor(limit))],
      ),
    );
    return rows.map(rowToRunHistory);
  }

  async pruneRunHistory(before: Date, keepLast: number, limit: number): Promise<number> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return 0;
    const keep = Math.max(0, Math.floor(keepLast));
    const after = this.pruneCursor.start(before, keep);
    const batch = await this.auto('pruneRunHistory', (sql) => pruneRunRows(sql, before, keep, n, after));
    this.pruneCursor.finish(batch.scanned === n, batch.lastId);
    return batch.deleted;
  }

  async fetchUnsent(limit: number, query?: UnsentQuery): Promise<StoredOutboxEvent[]> {
    return this.auto('fetchUnsent', (sql) => selectUnsent(sql, limit, query));
  }

  async recordPublishFailure(ids: string[], error: string, at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.auto('recordPublishFailure', (sql) => recordFailureRows(sql, ids, error, at));
  }

  async deadLetter(ids: string[], at: Date, notices: OutboxEvent[]): Promise<void> {
    if (ids.length === 0 && notices.length === 0) return;
    await this.tx('deadLetter', async (sql) => {
      await markRowsDead(sql, ids, at);
      await insertOutboxRows(sql, notices, at);
    });
  }

  async listDeadLetters(query: DeadLetterQuery): Promise<DeadLetteredEvent[]> {
    return this.auto('listDeadLetters', (sql) => selectDeadLetters(sql, query));
  }

  async markSent(ids: string[], sentAt: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.auto('markSent', (sql) => markRowsSent(sql, ids, sentAt));
  }

  async pruneSent(sentBefore: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.auto('pruneSent', (sql) => deleteSentChunk(sql, sentBefore, PRUNE_CHUNK));
      total += deleted;
      if (deleted < PRUNE_CHUNK) return total;
    }
  }

  async countUnsent(): Promise<number> {
    return this.auto('countUnsent', countUnsentRows);
  }

  async append(events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.tx('append', (sql) => insertOutboxRows(sql, events, this.clock.now()));
  }

  async listDeadRuns(query: DeadRunQuery): Promise<DeadRun[]> {
    return this.auto('listDeadRuns', (sql) => selectDeadRuns(sql, query));
  }

  async getDeadRun(id: string): Promise<DeadRun | null> {
    return this.auto('getDeadRun', (sql) => selectDeadRun(sql, id));
  }

  async redriveDeadRun(id: string, now: Date): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    return this.tx('redriveDeadRun', (sql) => redriveDeadRunRow(sql, id, now));
  }

  async discardDeadRun(id: string, now: Date): Promise<'discarded' | 'settled' | 'missing'> {
    return this.tx('discardDeadRun', (sql) => discardDeadRunRow(sql, id, now));
  }

  /** A single autocommit statement (or read) on one pooled connection. */
  private auto<T>(operation: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    return withConnection(
      this.dataSource,
      operation,
      { transaction: false, retry: this.retry, onLockRetry: this.countRetry },
      work,
    );
  }

  private tx<T>(operation: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    return withConnection(
      this.dataSource,
      operation,
      { transaction: true, retry: this.retry, onLockRetry: this.countRetry },
      work,
    );
  }
}
