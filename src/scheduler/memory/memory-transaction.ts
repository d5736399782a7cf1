import { TransactionClosedError } from '../errors';
import type { Job } from '../job';
import type { OutboxEvent } from '../outbox';
import type { JobSourceRecord, StoreTransaction, TransactionAddResult } from '../ports/job-store';
import { cloneEvent, cloneJob } from './clone';

/** What a memory transaction reads from, and applies its staged writes to, at commit. */
export interface MemoryTables {
  hasJob(id: string): boolean;
  /** A copy of the committed job. */
  getJob(id: string): Job | undefined;
  getJobSource(source: string): JobSourceRecord | undefined;
  putJobSource(record: JobSourceRecord): void;
  /** The job's lease holds at the store's current time. */
  isLeased(id: string): boolean;
  insertJob(job: Job): void;
  replaceJob(job: Job): void;
  deleteJob(id: string): void;
  appendEvents(events: OutboxEvent[]): void;
}

type Staged = { kind: 'put'; job: Job; replace: boolean } | { kind: 'remove'; id: string };

/**
 * A unit of work on the memory store: reads see committed state plus this transaction's own
 * writes; writes are staged and applied in one synchronous step at commit (so nothing of a
 * rolled-back unit is ever visible). The store runs one transaction at a time.
 */
export class MemoryTransaction implements StoreTransaction {
  private readonly staged: Staged[] = [];
  /** Job ids as this transaction sees them: true = present, false = removed. */
  private readonly view = new Map<string, boolean>();
  private readonly events: OutboxEvent[] = [];
  private readonly sources = new Map<string, JobSourceRecord>();
  private readonly callbacks: (() => void)[] = [];
  private done = false;

  constructor(private readonly tables: MemoryTables) {}

  async addJobs(jobs: Job[], options: { replaceExisting?: boolean } = {}): Promise<TransactionAddResult> {
    this.assertOpen();
    const result: TransactionAddResult = { added: [], replaced: [], duplicates: [] };
    for (const job of jobs) {
      if (!this.exists(job.id)) {
        this.staged.push({ kind: 'put', job: cloneJob(job), replace: false });
        result.added.push(job.id);
      } else if (options.replaceExisting) {
        this.staged.push({ kind: 'put', job: cloneJob(job), replace: true });
        result.replaced.push(job.id);
      } else {
        result.duplicates.push(job.id);
        continue;
      }
      this.view.set(job.id, true);
    }
    return result;
  }

  async removeJob(id: string, options: { ifFree?: boolean } = {}): Promise<'removed' | 'leased' | 'missing'> {
    this.assertOpen();
    if (!this.exists(id)) return 'missing';
    if (options.ifFree && this.tables.hasJob(id) && this.tables.isLeased(id)) return 'leased';
    this.staged.push({ kind: 'remove', id });
    this.view.set(id, false);
    return 'removed';
  }

  async appendEvents(events: OutboxEvent[]): Promise<void> {
    this.assertOpen();
    this.events.push(...events.map(cloneEvent));
  }

  async getJobs(ids: string[]): Promise<Job[]> {
    this.assertOpen();
    const jobs: Job[] = [];
    for (const id of new Set(ids)) {
      if (!this.exists(id)) continue;
      let job = this.tables.getJob(id);
      for (const op of this.staged) if (op.kind === 'put' && op.job.id === id) job = cloneJob(op.job);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  async lockJobSource(source: string): Promise<JobSourceRecord> {
    this.assertOpen();
    const record = this.sources.get(source) ??
      this.tables.getJobSource(source) ?? {
        source,
        version: null,
        hash: null,
        jobs: {},
        updatedAt: null,
        updatedBy: null,
      };
    return structuredClone(record);
  }

  async saveJobSource(record: JobSourceRecord): Promise<void> {
    this.assertOpen();
    this.sources.set(record.source, structuredClone(record));
  }

  afterCommit(callback: () => void): void {
    this.assertOpen();
    this.callbacks.push(callback);
  }

  /** Apply every staged write (synchronously: atomic for the memory store), then the callbacks. */
  commit(): void {
    this.assertOpen();
    this.done = true;
    for (const op of this.staged) {
      if (op.kind === 'remove') {
        if (this.tables.hasJob(op.id)) this.tables.deleteJob(op.id);
      } else if (this.tables.hasJob(op.job.id)) {
        // A job added outside any transaction since our check took the id: ours replaces it only if asked.
        if (op.replace) this.tables.replaceJob(op.job);
      } else {
        this.tables.insertJob(op.job);
      }
    }
    this.tables.appendEvents(this.events);
    for (const record of this.sources.values()) this.tables.putJobSource(record);
    for (const callback of this.callbacks) callback();
  }

  rollback(): void {
    this.done = true;
  }

  private exists(id: string): boolean {
    return this.view.get(id) ?? this.tables.hasJob(id);
  }

  private assertOpen(): void {
    if (this.done) throw new TransactionClosedError();
  }
}
