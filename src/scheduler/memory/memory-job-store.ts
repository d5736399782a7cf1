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
import { compareJobListKeys, matchesJobListQuery } from '../job-list';
import { BinaryHeap } from './binary-heap';
import { cloneJob, cloneRetryState } from './clone';
import { MemoryDeadRuns } from './memory-dead-runs';
import { withRegularNext } from '../job-builder';
import { MemoryOutbox } from './memory-outbox';
import { MemoryTransaction, type MemoryTables } from './memory-transaction';
import { MemoryRunHistory } from './memory-run-history';

export interface MemoryJobStoreOptions {
  /** Stamps `createdAt` of outbox events (the port passes no time for it). Default: system clock. */
  clock?: Clock;
  /** Run history entries kept in total, oldest evicted first. Default 100,000. */
  maxHistoryEntries?: number;
}

/** A stored job plus the store's own state about it. */
interface Entry {
  job: Job;
  leaseOwner: string | null;
  leaseUntil: number;
  /** An acquire saw the lease expired: the job is visible again, though the owner is still set. */
  leaseExpired: boolean;
  /** Only the heap item carrying the current stamp is live (lazy deletion). */
  dueStamp: number;
  leaseStamp: number;
}

interface HeapItem {
  at: number;
  id: string;
  stamp: number;
}

const byTimeThenId = (a: HeapItem, b: HeapItem): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * The reference JobStore and OutboxStore, and the default embedded store. Due jobs sit in a binary
 * heap keyed by (nextRunTime, id) and leases in a second heap keyed by expiry, both with lazy
 * deletion: add, remove, change and acquire cost O(log n) however many jobs are pending.
 * Every method is synchronous inside, so each call (and each completion) is atomic.
 */
export class MemoryJobStore implements JobStore, OutboxStore {
  private readonly jobs = new Map<string, Entry>();
  private readonly due = new BinaryHeap<HeapItem>(byTimeThenId);
  private readonly leases = new BinaryHeap<HeapItem>(byTimeThenId);
  private readonly outbox = new MemoryOutbox();
  private readonly history: MemoryRunHistory;
  private readonly deadRuns = new MemoryDeadRuns();
  private readonly jobSources = new Map<string, JobSourceRecord>();
  private readonly clock: Clock;
  private version = 0;
  private stamp = 0;
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
    isLeased: (id) => {
      const entry = this.jobs.get(id);
      return (
        entry !== undefined && entry.leaseOwner !== null && entry.leaseUntil > this.clock.now().getTime()
      );
    },
    insertJob: (job) => this.insert(job),
    replaceJob: (job) => this.replace(job),
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
    this.insert(job);
  }

  async addJobs(jobs: Job[]): Promise<{ added: string[]; duplicates: string[] }> {
    const added: string[] = [];
    const duplicates: string[] = [];
    for (const job of jobs) {
      if (this.jobs.has(job.id)) {
        duplicates.push(job.id);
      } else {
        this.insert(job);
        added.push(job.id);
      }
    }
    return { added, duplicates };
  }

  async updateJob(job: Job): Promise<void> {
    if (!this.jobs.has(job.id)) throw new JobLookupError(job.id);
    this.replace(job);
  }

  async removeJob(id: string): Promise<void> {
    if (!this.jobs.delete(id)) throw new JobLookupError(id);
  }

  async removeAllJobs(): Promise<void> {
    this.jobs.clear();
    this.due.replaceAll([]);
    this.leases.replaceAll([]);
  }

  async getJob(id: string): Promise<Job | null> {
    const entry = this.jobs.get(id);
    return entry ? cloneJob(entry.job) : null;
  }

  async getJobs(): Promise<Job[]> {
    const jobs = [...this.jobs.values()].map((e) => e.job);
    jobs.sort((a, b) => {
      const ta = a.nextRunTime?.getTime() ?? Number.POSITIVE_INFINITY;
      const tb = b.nextRunTime?.getTime() ?? Number.POSITIVE_INFINITY;
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return jobs.map(cloneJob);
  }

  /**
   * One pass over every job keeping the best `limit` in a bounded max-heap: O(n log limit), no
   * copy or sort of the whole set (an embedded store holds few enough jobs for a scan).
   */
  async listJobs(query: JobListQuery): Promise<Job[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const { after } = query;
    const worstFirst = new BinaryHeap<Job>((a, b) => compareJobListKeys(a, b) > 0);
    for (const { job } of this.jobs.values()) {
      if (after !== undefined && compareJobListKeys(job, after) <= 0) continue;
      if (!matchesJobListQuery(job, query)) continue;
      if (worstFirst.size < limit) worstFirst.push(job);
      else if (compareJobListKeys(job, worstFirst.peek() as Job) < 0) {
        worstFirst.pop();
        worstFirst.push(job);
      }
    }
    const page: Job[] = [];
    for (let job = worstFirst.pop(); job; job = worstFirst.pop()) page.push(cloneJob(job));
    return page.reverse();
  }

  /**
   * Without a `now`, a lease counts as held until an acquire sees it expired; the scheduler polls
   * at least every `maxPollMs`, so an abandoned lease is still reclaimed.
   */
  async getNextRunTime(): Promise<Date | null> {
    const top = this.liveDueTop();
    return top ? new Date(top.at) : null;
  }

  async acquireDueJobs(request: AcquireRequest): Promise<Job[]> {
    const now = request.now.getTime();
    this.reclaimExpiredLeases(now);
    const acquired: Job[] = [];
    const notYet: HeapItem[] = [];
    while (acquired.length < request.limit) {
      const top = this.liveDueTop();
      if (!top || top.at > now) break;
      this.due.pop();
      const entry = this.jobs.get(top.id) as Entry;
      // Seen expired by an acquire at a later `now` than this one: not expired yet for this caller.
      if (entry.leaseOwner !== null && entry.leaseUntil > now) {
        notYet.push(top);
        continue;
      }
      this.lease(entry, request.owner, request.leaseUntil.getTime());
      acquired.push(cloneJob(entry.job));
    }
    for (const item of notYet) this.due.push(item);
    this.compactIfNeeded();
    return acquired;
  }

  async acquireJob(request: AcquireJobRequest): Promise<Job | null> {
    const entry = this.jobs.get(request.jobId);
    if (!entry) return null;
    if (entry.leaseOwner !== null && entry.leaseUntil > request.now.getTime()) return null;
    this.lease(entry, request.owner, request.leaseUntil.getTime());
    return cloneJob(entry.job);
  }

  async extendLeases(owner: string, jobIds: string[], leaseUntil: Date): Promise<void> {
    for (const id of jobIds) {
      const entry = this.jobs.get(id);
      if (entry && entry.leaseOwner === owner) this.lease(entry, owner, leaseUntil.getTime());
    }
    this.compactIfNeeded();
  }

  async completeRuns(owner: string, completions: RunCompletion[]): Promise<CompleteResult> {
    if (!completions.some((c) => c.guarded?.length))
      return this.applyCompletions(owner, completions, new Map());
    return this.serialized(async () => {
      // Each completion's guards get their own transaction, committed only if the completion applies.
      const guarded = new Map<RunCompletion, MemoryTransaction>();
      for (const c of completions) {
        if (!c.guarded?.length || this.leaseLost(owner, c)) continue;
        const tx = new MemoryTransaction(this.tables);
        const passed: OutboxEvent[] = [];
        for (const group of c.guarded) if (await group.guard(tx)) passed.push(...group.events);
        await tx.appendEvents(passed);
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
      this.compactIfNeeded();
      return result;
    });
  }

  async countJobs(now: Date): Promise<JobCounts> {
    const counts: JobCounts = { scheduled: 0, paused: 0, due: 0 };
    for (const { job } of this.jobs.values()) {
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

  private leaseLost(owner: string, c: RunCompletion): boolean {
    const entry = this.jobs.get(c.jobId);
    const changed = entry !== undefined && entry.job.version !== c.version;
    return entry !== undefined && entry.leaseOwner !== owner && !(entry.leaseOwner === null && changed);
  }

  /** Synchronous: each completion (and the whole batch) is atomic. */
  private applyCompletions(
    owner: string,
    completions: RunCompletion[],
    guarded: Map<RunCompletion, MemoryTransaction>,
  ): CompleteResult {
    const leaseLost: string[] = [];
    const createdAt = this.clock.now();
    for (const c of completions) {
      if (this.leaseLost(owner, c)) {
        leaseLost.push(c.jobId);
        continue;
      }
      const entry = this.jobs.get(c.jobId);
      const changed = entry !== undefined && entry.job.version !== c.version;
      for (const run of c.runs)
        this.history.append({ ...run, attempt: run.attempt ?? 1, jobId: c.jobId, owner });
      this.outbox.append(c.events, createdAt);
      this.deadRuns.add(c.deadRuns ?? []);
      guarded.get(c)?.commit();
      // Removed while it ran: history and events stay committed, nothing else to do.
      if (!entry) continue;
      if (!changed) {
        if (c.nextRunTime === null && !entry.job.paused) {
          this.jobs.delete(c.jobId);
          continue;
        }
        entry.job.nextRunTime = c.nextRunTime === null ? null : new Date(c.nextRunTime.getTime());
        entry.job.retryState = cloneRetryState(c.retryState);
      } else if (c.retryState) {
        // The change wins for the schedule; the failed runs still get their next attempts.
        const scheduleNext = entry.job.retryState ? entry.job.retryState.scheduleNext : entry.job.nextRunTime;
        entry.job = withRegularNext(
          { ...entry.job, retryState: cloneRetryState(c.retryState) },
          scheduleNext,
        );
      }
      if (entry.leaseOwner === owner) this.release(entry);
    }
    this.compactIfNeeded();
    return { leaseLost };
  }

  async listDeadRuns(query: DeadRunQuery): Promise<DeadRun[]> {
    return this.deadRuns.list(query);
  }

  async getDeadRun(id: string): Promise<DeadRun | null> {
    return this.deadRuns.get(id);
  }

  async redriveDeadRun(id: string, now: Date): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    const dead = this.deadRuns.get(id);
    if (!dead) return 'missing';
    if (dead.settledAs) return 'settled';
    if (this.tables.isLeased(dead.jobId)) return 'busy';
    const retry = { scheduledAt: dead.scheduledAt, attempt: 1, dueAt: now };
    const entry = this.jobs.get(dead.jobId);
    if (entry) {
      const { job } = entry;
      const scheduleNext = job.retryState ? job.retryState.scheduleNext : job.nextRunTime;
      const runs = [...(job.retryState?.runs ?? []), retry];
      this.replace(withRegularNext({ ...job, retryState: { scheduleNext, runs } }, scheduleNext));
    } else {
      this.insert({
        ...dead.job,
        paused: false,
        nextRunTime: now,
        retryState: { scheduleNext: null, runs: [retry] },
      });
    }
    this.deadRuns.settle(id, 'redriven', now);
    return 'redriven';
  }

  async discardDeadRun(id: string, now: Date): Promise<'discarded' | 'settled' | 'missing'> {
    const dead = this.deadRuns.get(id);
    if (!dead) return 'missing';
    if (dead.settledAs) return 'settled';
    this.deadRuns.settle(id, 'discarded', now);
    return 'discarded';
  }

  async releaseJobs(owner: string, jobIds: string[]): Promise<void> {
    for (const id of jobIds) {
      const entry = this.jobs.get(id);
      if (entry && entry.leaseOwner === owner) this.release(entry);
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

  private insert(job: Job): void {
    const entry: Entry = {
      job: { ...cloneJob(job), version: ++this.version },
      leaseOwner: null,
      leaseUntil: 0,
      leaseExpired: false,
      dueStamp: 0,
      leaseStamp: 0,
    };
    this.jobs.set(job.id, entry);
    this.refreshDue(entry);
  }

  /** The lease is store state, not part of the job: a change made while the job runs keeps it. */
  private replace(job: Job): void {
    const entry = this.jobs.get(job.id) as Entry;
    entry.job = { ...cloneJob(job), version: ++this.version };
    this.refreshDue(entry);
    this.compactIfNeeded();
  }

  private lease(entry: Entry, owner: string, until: number): void {
    entry.leaseOwner = owner;
    entry.leaseUntil = until;
    entry.leaseExpired = false;
    entry.leaseStamp = ++this.stamp;
    this.leases.push({ at: until, id: entry.job.id, stamp: entry.leaseStamp });
    this.refreshDue(entry);
  }

  private release(entry: Entry): void {
    entry.leaseOwner = null;
    entry.leaseExpired = false;
    entry.leaseStamp = ++this.stamp;
    this.refreshDue(entry);
  }

  /** Invalidate the job's heap item and push a new one if the job may be acquired. */
  private refreshDue(entry: Entry): void {
    entry.dueStamp = ++this.stamp;
    const { job } = entry;
    const free = entry.leaseOwner === null || entry.leaseExpired;
    if (!job.paused && job.nextRunTime !== null && free) {
      this.due.push({ at: job.nextRunTime.getTime(), id: job.id, stamp: entry.dueStamp });
    }
  }

  private reclaimExpiredLeases(now: number): void {
    for (let top = this.leases.peek(); top && top.at <= now; top = this.leases.peek()) {
      this.leases.pop();
      const entry = this.jobs.get(top.id);
      if (!entry || entry.leaseStamp !== top.stamp || entry.leaseOwner === null) continue;
      entry.leaseExpired = true;
      this.refreshDue(entry);
    }
  }

  private liveDueTop(): HeapItem | undefined {
    for (let top = this.due.peek(); top; top = this.due.peek()) {
      if (this.jobs.get(top.id)?.dueStamp === top.stamp) return top;
      this.due.pop();
    }
    return undefined;
  }

  /** Lazy deletion leaves dead items behind; rebuild once they outnumber the live ones. */
  private compactIfNeeded(): void {
    const bound = 2 * this.jobs.size + 1024;
    if (this.due.size > bound) {
      const items: HeapItem[] = [];
      for (const entry of this.jobs.values()) {
        const { job } = entry;
        const free = entry.leaseOwner === null || entry.leaseExpired;
        if (!job.paused && job.nextRunTime !== null && free) {
          items.push({ at: job.nextRunTime.getTime(), id: job.id, stamp: entry.dueStamp });
        }
      }
      this.due.replaceAll(items);
    }
    if (this.leases.size > bound) {
      const items: HeapItem[] = [];
      for (const entry of this.jobs.values()) {
        if (entry.leaseOwner !== null && !entry.leaseExpired) {
          items.push({ at: entry.leaseUntil, id: entry.job.id, stamp: entry.leaseStamp });
        }
      }
      this.leases.replaceAll(items);
    }
  }
}
