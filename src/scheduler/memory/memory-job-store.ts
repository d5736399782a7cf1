import { ConflictingIdError, JobLookupError } from '../errors';
import type { Job } from '../job';
import type { OutboxEvent } from '../outbox';
import type { Clock } from '../ports/clock';
import type {
  AcquireJobRequest,
  AcquireRequest,
  CompleteResult,
  DeadRun,
  DeadRunQuery,
  JobCounts,
  JobSourceRecord,
  JobListQuery,
  JobStore,
  RunCompletion,
  RunHistoryEntry,
  StoreTransaction,
} from '../ports/job-store';
import type {
  DeadLetteredEvent,
  DeadLetterQuery,
  OutboxStore,
  StoredOutboxEvent,
  UnsentQuery,
} from '../ports/outbox-store';
import { SystemClock } from '../clocks/system-clock';
import { cloneJob } from './clone';
import { applyCompletions, leaseLost } from './memory-completions';
import { discardDeadRun, redriveDeadRun } from './memory-dead-run-redrive';
import { MemoryDeadRuns } from './memory-dead-runs';
import { MemoryJobTable } from './memory-job-table';
import { MemoryOutbox } from './memory-outbox';
import { MemoryTransaction, type MemoryTables } from './memory-transaction';
import { MemoryRunHistory } from './memory-run-history';
import { passedGuards } from '../guards';

export interface MemoryJobStoreOptions {
  /** Stamps `createdAt` of outbox events (the port passes no time for it). Default: system clock. */
  clock?: Clock;
  /** Run history entries kept in total, oldest evicted first. Default 100,000. */
  maxHistoryEntries?: number;
}

/**
 * The reference JobStore and OutboxStore, and the default embedded store, over in-memory tables
 * (MemoryJobTable holds the jobs, their leases and the due order). Every method is synchronous
 * inside, so each call (and each completion) is atomic.
 */
export class MemoryJobStore implements JobStore, OutboxStore {
  private readonly jobs = new MemoryJobTable();
  private readonly outbox = new MemoryOutbox();
  private readonly history: MemoryRunHistory;
  private readonly deadRuns = new MemoryDeadRuns();
  private readonly jobSources = new Map<string, JobSourceRecord>();
  private readonly clock: Clock;
  /** Units of work and completions, one at a time (they may await domain code in between). */
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly tables: MemoryTables = {
    hasJob: (id) => this.jobs.has(id),
    getJob: (id) => {
      const entry = this.jobs.get(id);
      return entry ? cloneJob(entry.job) : undefined;
    },
    getJobSource: (source) => this.jobSources.get(source),
    putJobSource: (record) => this.jobSources.set(record.source, structuredClone(record)),
    isLeased: (id) => this.jobs.isLeased(id, this.clock.now().getTime()),
    insertJob: (job) => this.jobs.insert(job),
    replaceJob: (job) => this.jobs.replace(job),
    deleteJob: (id) => this.jobs.delete(id),
    appendEvents: (events) => this.outbox.append(events, this.clock.now()),
  };

  constructor(options: MemoryJobStoreOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.history = new MemoryRunHistory(options.maxHistoryEntries ?? 100_000);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Jobs held (for benchmarks and tests of the store itself). */
  get size(): number {
    return this.jobs.size;
  }

  /** Rows per table, named as the MySQL store's tables (the row-count metric in embedded mode). */
  rowCounts(): Record<string, number> {
    return {
      scheduler_jobs: this.jobs.size,
      scheduler_job_runs: this.history.size,
      scheduler_outbox: this.outbox.size,
      scheduler_dead_runs: this.deadRuns.size,
    };
  }

  async addJob(job: Job): Promise<void> {
    if (this.jobs.has(job.id)) throw new ConflictingIdError(job.id);
    this.jobs.insert(job);
  }

  async addJobs(jobs: Job[]): Promise<{ added: string[]; duplicates: string[] }> {
    const added: string[] = [];
    const duplicates: string[] = [];
    for (const job of jobs) {
      if (this.jobs.has(job.id)) {
        duplicates.push(job.id);
      } else {
        this.jobs.insert(job);
        added.push(job.id);
      }
    }
    return { added, duplicates };
  }

  async updateJob(job: Job): Promise<void> {
    if (!this.jobs.has(job.id)) throw new JobLookupError(job.id);
    this.jobs.replace(job);
  }

  async removeJob(id: string): Promise<void> {
    if (!this.jobs.delete(id)) throw new JobLookupError(id);
  }

  async removeAllJobs(): Promise<void> {
    this.jobs.clear();
  }

  async getJob(id: string): Promise<Job | null> {
    const entry = this.jobs.get(id);
    return entry ? cloneJob(entry.job) : null;
  }

  async getJobs(): Promise<Job[]> {
    return this.jobs.sorted();
  }

  async listJobs(query: JobListQuery): Promise<Job[]> {
    return this.jobs.page(query);
  }

  /**
   * Without a `now`, a lease counts as held until an acquire sees it expired; the scheduler polls
   * at least every `maxPollMs`, so an abandoned lease is still reclaimed.
   */
  async getNextRunTime(): Promise<Date | null> {
    return this.jobs.nextRunTime();
  }

  async acquireDueJobs(request: AcquireRequest): Promise<Job[]> {
    const { owner, now, leaseUntil, limit } = request;
    return this.jobs.acquireDue(owner, now.getTime(), leaseUntil.getTime(), limit);
  }

  async acquireJob(request: AcquireJobRequest): Promise<Job | null> {
    const entry = this.jobs.get(request.jobId);
    if (!entry) return null;
    if (entry.leaseOwner !== null && entry.leaseUntil > request.now.getTime()) return null;
    this.jobs.lease(entry, request.owner, request.leaseUntil.getTime());
    return cloneJob(entry.job);
  }

  async extendLeases(owner: string, jobIds: string[], leaseUntil: Date): Promise<void> {
    for (const id of jobIds) {
      const entry = this.jobs.get(id);
      if (entry && entry.leaseOwner === owner) this.jobs.lease(entry, owner, leaseUntil.getTime());
    }
    this.jobs.compactIfNeeded();
  }

  async completeRuns(owner: string, completions: RunCompletion[]): Promise<CompleteResult> {
    if (!completions.some((c) => c.guarded?.length))
      return this.applyCompletions(owner, completions, new Map());
    return this.serialized(async () => {
      // Each completion's guards get their own transaction, committed only if the completion applies.
      const guarded = new Map<RunCompletion, MemoryTransaction>();
      for (const c of completions) {
        if (!c.guarded?.length || leaseLost(this.jobs, owner, c)) continue;
        const tx = new MemoryTransaction(this.tables);
        const passed = await passedGuards([c], tx);
        await tx.appendEvents(
          c.guarded.filter((group) => passed.has(group)).flatMap((group) => group.events),
        );
        guarded.set(c, tx);
      }
      return this.applyCompletions(owner, completions, guarded);
    });
  }

  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      const tx = new MemoryTransaction(this.tables);
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        tx.rollback();
        throw error;
      }
      tx.commit();
      this.jobs.compactIfNeeded();
      return result;
    });
  }

  async countJobs(now: Date): Promise<JobCounts> {
    const counts: JobCounts = { scheduled: 0, paused: 0, due: 0 };
    for (const { job } of this.jobs.entries()) {
      if (job.paused) counts.paused++;
      else counts.scheduled++;
      if (!job.paused && job.nextRunTime !== null && job.nextRunTime <= now) counts.due++;
    }
    return counts;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  private applyCompletions(
    owner: string,
    completions: RunCompletion[],
    guarded: Map<RunCompletion, MemoryTransaction>,
  ): CompleteResult {
    const tables = { jobs: this.jobs, history: this.history, outbox: this.outbox, deadRuns: this.deadRuns };
    return applyCompletions(tables, owner, completions, guarded, this.clock.now());
  }

  async listDeadRuns(query: DeadRunQuery): Promise<DeadRun[]> {
    return this.deadRuns.list(query);
  }

  async getDeadRun(id: string): Promise<DeadRun | null> {
    return this.deadRuns.get(id);
  }

  async redriveDeadRun(id: string, now: Date): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    return redriveDeadRun(this.jobs, this.deadRuns, this.clock, id, now);
  }

  async discardDeadRun(id: string, now: Date): Promise<'discarded' | 'settled' | 'missing'> {
    return discardDeadRun(this.deadRuns, id, now);
  }

  async releaseJobs(owner: string, jobIds: string[]): Promise<void> {
    for (const id of jobIds) {
      const entry = this.jobs.get(id);
      if (entry && entry.leaseOwner === owner) this.jobs.release(entry);
    }
  }

  async getRunHistory(jobId: string, limit: number): Promise<RunHistoryEntry[]> {
    return this.history.get(jobId, limit);
  }

  async pruneRunHistory(before: Date, keepLast: number, limit: number): Promise<number> {
    return this.history.prune(before, keepLast, Math.max(0, Math.floor(limit)), (id) => this.jobs.has(id));
  }

  async fetchUnsent(limit: number, query?: UnsentQuery): Promise<StoredOutboxEvent[]> {
    return this.outbox.fetchUnsent(limit, query);
  }

  async markSent(ids: string[], sentAt: Date): Promise<void> {
    this.outbox.markSent(ids, sentAt);
  }

  async recordPublishFailure(ids: string[], error: string, at: Date): Promise<void> {
    this.outbox.recordPublishFailure(ids, error, at);
  }

  async deadLetter(ids: string[], at: Date, notices: OutboxEvent[]): Promise<void> {
    this.outbox.markDead(ids, at);
    this.outbox.append(notices, at);
  }

  async listDeadLetters(query: DeadLetterQuery): Promise<DeadLetteredEvent[]> {
    return this.outbox.listDeadLetters(query);
  }

  async pruneSent(sentBefore: Date): Promise<number> {
    return this.outbox.pruneSent(sentBefore);
  }

  async countUnsent(): Promise<number> {
    return this.outbox.countUnsent();
  }

  async append(events: OutboxEvent[]): Promise<void> {
    this.outbox.append(events, this.clock.now());
  }
}
