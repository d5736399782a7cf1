import { TransactionClosedError } from '../scheduler/errors';
import type { Job } from '../scheduler/job';
import type { OutboxEvent } from '../scheduler/outbox';
import type { JobSourceRecord, StoreTransaction, TransactionAddResult } from '../scheduler/ports/job-store';
import { lockJobSourceRow, saveJobSourceRow, selectJobsForUpdate } from './job-source-sql';
import { deleteJob, insertNewJobs } from './job-write-sql';
import { insertOutboxRows } from './outbox-sql';
import type { Sql } from './sql-session';

/**
 * A unit of work on the MySQL store: one READ COMMITTED transaction on one pooled connection.
 * Domain tables join it through `sqlOf(tx)`; the scheduler's tables only through these methods.
 */
export class MySqlStoreTransaction implements StoreTransaction {
  private readonly callbacks: (() => void)[] = [];
  private open = true;

  constructor(
    private readonly connection: Sql,
    /** The engine clock's time when the attempt began (times written by the store). */
    readonly now: Date,
  ) {}

  get sql(): Sql {
    if (!this.open) throw new TransactionClosedError();
    return this.connection;
  }

  addJobs(jobs: Job[], options: { replaceExisting?: boolean } = {}): Promise<TransactionAddResult> {
    return insertNewJobs(this.sql, jobs, this.now, options.replaceExisting ?? false);
  }

  removeJob(id: string, options: { ifFree?: boolean } = {}): Promise<'removed' | 'leased' | 'missing'> {
    return deleteJob(this.sql, id, this.now, options.ifFree ?? false);
  }

  appendEvents(events: OutboxEvent[]): Promise<void> {
    return insertOutboxRows(this.sql, events, this.now);
  }

  getJobs(ids: string[]): Promise<Job[]> {
    return selectJobsForUpdate(this.sql, ids);
  }

  lockJobSource(source: string): Promise<JobSourceRecord> {
    return lockJobSourceRow(this.sql, source);
  }

  saveJobSource(record: JobSourceRecord): Promise<void> {
    return saveJobSourceRow(this.sql, record);
  }

  afterCommit(callback: () => void): void {
    if (!this.open) throw new TransactionClosedError();
    this.callbacks.push(callback);
  }

  /** The attempt is over (committed or rolled back); returns the callbacks to run if it committed. */
  close(): (() => void)[] {
    this.open = false;
    return this.callbacks;
  }
}

/** The SQL connection of a MySQL unit of work, for domain tables that join it. */
export function sqlOf(tx: StoreTransaction): Sql {
  if (!(tx instanceof MySqlStoreTransaction))
    throw new TypeError('a MySQL domain table was used in a transaction of another store');
  return tx.sql;
}
