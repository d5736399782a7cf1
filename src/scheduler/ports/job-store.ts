import type { Job, RetryState } from '../job';
import type { OutboxEvent } from '../outbox';

/**
 * The JobStore port, shaped for a store shared by several replicas (MySQL), with the memory
 * store as its reference implementation. One contract test suite runs against every store.
 *
 * Firing model: `acquireDueJobs` leases due jobs to one replica (owner + expiry). While the lease
 * holds, no other replica sees the job as due. The replica runs them and calls `completeRuns`,
 * which commits, atomically per job, the run history, the outbox events and the job's new state,
 * and releases the lease. A replica that dies leaves the lease to expire; any replica then
 * reclaims the job and the run happens again, since nothing of it was committed.
 */
export interface JobStore {
  /** Prepare the store (connect, check schema). Idempotent. */
  start(): Promise<void>;
  stop(): Promise<void>;

  /** @throws ConflictingIdError when the id exists. */
  addJob(job: Job): Promise<void>;
  /** Insert many at once (bulk scheduling); duplicates by id are ignored and returned. */
  addJobs(jobs: Job[]): Promise<{ added: string[]; duplicates: string[] }>;
  /** Replace the stored job with this one (same id). @throws JobLookupError */
  updateJob(job: Job): Promise<void>;
  /** @throws JobLookupError */
  removeJob(id: string): Promise<void>;
  removeAllJobs(): Promise<void>;
  getJob(id: string): Promise<Job | null>;
  /** Every job, sorted by next run time (nulls, i.e. paused, last), then id. */
  getJobs(): Promise<Job[]>;
  /**
   * One page of the jobs matching `query`, in the `getJobs` order (next run time, nulls last,
   * then id), starting strictly after `query.after` (keyset pagination: a page costs about
   * `limit` rows read, not a scan of every job; the caller asks for `limit + 1` to learn whether
   * more follow). Stores must not load every job for it. `namePrefix` is a case-sensitive prefix
   * and filters the rows the ordered scan meets, so a rare prefix may read further than `limit`.
   */
  listJobs(query: JobListQuery): Promise<Job[]>;
  /** Earliest next run time of any unpaused, unleased (or lease-expired) job; null when none. */
  getNextRunTime(): Promise<Date | null>;

  /**
   * Lease up to `limit` jobs with `nextRunTime <= now`, not paused, whose lease is free or expired
   * at `now`, earliest first. The lease lasts until `leaseUntil`.
   */
  acquireDueJobs(request: AcquireRequest): Promise<Job[]>;

  /**
   * Lease one job whatever its next run time and paused state (a run on demand, `runJobNow`), when
   * its lease is free or expired at `now`. Null when the job does not exist or a lease on it holds.
   */
  acquireJob(request: AcquireJobRequest): Promise<Job | null>;

  /** Push out the lease of jobs still running (long runs), so no other replica reclaims them. */
  extendLeases(owner: string, jobIds: string[], leaseUntil: Date): Promise<void>;

  /**
   * Commit runs' outcomes, each completion atomically: history rows + outbox rows + the job's new
   * state (`nextRunTime`, or removal of the job when null), and release the lease.
   * A completion whose lease this owner no longer holds is not applied: it is returned in
   * `leaseLost` and its runs will happen again on the replica that holds the job now.
   * If the job was removed while it ran, its history and outbox rows are still committed.
   * If the job was changed while it ran (paused, modified, rescheduled: its `version` differs from
   * `RunCompletion.version`), the change wins: history and outbox commit, the lease is released,
   * and `nextRunTime` stays as the change set it.
   * A paused job is never removed by a null `nextRunTime` (a run on demand of a paused job).
   * Outbox events whose `eventId` is already stored are skipped (a re-run emits the same ids).
   */
  completeRuns(owner: string, completions: RunCompletion[]): Promise<CompleteResult>;

  /** Release leases without running (shutdown): the jobs become due again at once. */
  releaseJobs(owner: string, jobIds: string[]): Promise<void>;

  /** Run history of one job, newest first. */
  getRunHistory(jobId: string, limit: number): Promise<RunHistoryEntry[]>;

  /**
   * Retention: deletes at most `limit` runs scheduled before `before`, oldest first, but never one
   * of the newest `keepLast` runs of a job that still exists (a removed job's runs go by age alone,
   * or one-shot jobs would keep the table growing). Returns how many were deleted; call again
   * (after a pause) while it returns `limit`.
   */
  pruneRunHistory(before: Date, keepLast: number, limit: number): Promise<number>;

  /** Jobs by state and the due backlog at `now` (metrics). Cheap: counts, never a load of every job. */
  countJobs(now: Date): Promise<JobCounts>;

  /**
   * The unit of work: runs `work` in one transaction of this store and commits it when `work`
   * resolves (rolls back when it throws; nothing of it is then visible, and no `afterCommit`
   * callback runs). Inside, domain code writes its own tables (through the store's own handle,
   * see StoreTransaction) and adds, replaces or removes jobs and appends outbox events, all in
   * that one commit. `work` may be run again from the start when the store meets a transient
   * conflict (deadlock, a concurrent insert of the same key), so it must only act through `tx`.
   * Transactions of one store are isolated from each other and from `completeRuns` (a guarded
   * completion sees either all of a unit of work or none of it).
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /** Dead runs not yet redriven or discarded, oldest id first. */
  listDeadRuns(query: DeadRunQuery): Promise<DeadRun[]>;
  getDeadRun(id: string): Promise<DeadRun | null>;
  /**
   * Gives a dead run a new set of attempts, due at `now`: on its job when the job still exists,
   * else on the job brought back from the dead run's copy. Atomic; a dead run is redriven or
   * discarded once ('settled' otherwise). 'busy' when its job is running now (try again later).
   */
  redriveDeadRun(id: string, now: Date): Promise<'redriven' | 'settled' | 'missing' | 'busy'>;
  discardDeadRun(id: string, now: Date): Promise<'discarded' | 'settled' | 'missing'>;
}

/**
 * What a unit of work may do to the scheduler's tables. Adapters extend it with their own handle
 * for domain tables joining the transaction (MySQL: `sqlOf(tx)` in src/persistence; memory:
 * TransactionalMap, which stages writes until commit).
 */
export interface StoreTransaction {
  /**
   * Insert jobs whose ids are free. A taken id is left alone and returned in `duplicates`, or, with
   * `replaceExisting`, replaced (its lease and any run in flight kept, as `updateJob` does).
   */
  addJobs(jobs: Job[], options?: { replaceExisting?: boolean }): Promise<TransactionAddResult>;
  /**
   * Remove a job. A leased job (a replica is firing it, or died holding it) is removed too; its
   * run's completion still commits history and events (guarded runs check their guard first).
   * With `ifFree`, a job whose lease holds (or whose row another transaction has locked) is left
   * in place and 'leased' is returned: the caller never waits on a lease.
   */
  removeJob(id: string, options?: { ifFree?: boolean }): Promise<'removed' | 'leased' | 'missing'>;
  /** Outbox events to commit with this unit of work; an `eventId` already stored is skipped. */
  appendEvents(events: OutboxEvent[]): Promise<void>;
  /** Called once, after a successful commit (never after a rollback or a retried attempt). */
  afterCommit(callback: () => void): void;
  /**
   * The jobs with these ids that exist, as this transaction sees them, locked against other
   * writers (claims, completions, other units of work) until it ends (MySQL: FOR UPDATE).
   */
  getJobs(ids: string[]): Promise<Job[]>;
  /**
   * The record of a definition source (job definitions from code or a file, see
   * src/scheduler/definitions), locked until this transaction ends; created empty (version and
   * hash null, no jobs) when there is none, so concurrent reconcilers of one source queue here.
   */
  lockJobSource(source: string): Promise<JobSourceRecord>;
  /** Writes the source's record (locked first with `lockJobSource`). */
  saveJobSource(record: JobSourceRecord): Promise<void>;
}

/**
 * What the store remembers of a definition source: which jobs it owns and the hashes of the
 * definitions last applied to them (the reconciler compares code against these, never against
 * the live job, whose next run time, anchors and pause belong to the schedule and the admins).
 */
export interface JobSourceRecord {
  /** `code`, `code:<name>`, `file`: [A-Za-z0-9._:-], at most 100 characters. */
  source: string;
  /** The version of the definition set last applied; null before any. */
  version: number | null;
  /** Hash of the whole set last applied (ids and per-job hashes); null before any. */
  hash: string | null;
  /** Owned job id → hashes of its definition's trigger and of the rest (action, options, name). */
  jobs: Record<string, DefinitionHashes>;
  updatedAt: Date | null;
  /** The replica that applied it. */
  updatedBy: string | null;
}

export interface DefinitionHashes {
  trigger: string;
  job: string;
}

export interface TransactionAddResult {
  added: string[];
  replaced: string[];
  duplicates: string[];
}

export interface JobCounts {
  scheduled: number;
  paused: number;
  /** Not paused, next run time at or before `now`. */
  due: number;
}

/**
 * Makes a run's effect conditional on domain state: called inside the completion transaction,
 * after the lease was checked (never for a completion whose lease was lost), with the same
 * StoreTransaction a unit of work gets, so it can lock, read and write domain rows. Returns
 * whether the run's events commit. The run's history is recorded either way. It must be
 * deterministic in the state it reads: the completion may be retried (deadlock, store outage).
 */
export type RunGuard = (tx: StoreTransaction) => Promise<boolean>;

/**
 * A guard that decides many runs at once: the store calls `check` once per completion batch with
 * the items of every run in it that named this batch, in completion order, so a few statements
 * lock and update all their domain rows instead of a few per run. Same rules as RunGuard. Returns
 * one verdict per item, in order; an item sees what earlier items of the same call changed.
 */
export interface GuardBatch<T> {
  check(tx: StoreTransaction, items: readonly T[]): Promise<boolean[]>;
}

/** One run's share of a GuardBatch. */
export interface BatchedGuard<T = unknown> {
  batch: GuardBatch<T>;
  item: T;
}

/** Events of one run whose commit depends on its guard. */
export interface GuardedEvents {
  guard: RunGuard | BatchedGuard;
  events: OutboxEvent[];
}

/** Where a page of `listJobs` ended: the sort key of its last job. */
export interface JobListKey {
  nextRunTime: Date | null;
  id: string;
}

export interface JobListQuery {
  /** 'scheduled' = not paused (whatever its next run time), 'paused' = paused. Default: both. */
  state?: 'scheduled' | 'paused';
  /** The trigger's `type` (e.g. 'date', 'cron'). */
  triggerType?: string;
  /** Only jobs whose name starts with this (case-sensitive). */
  namePrefix?: string;
  /** Exclusive start: jobs sorting after this key. */
  after?: JobListKey;
  /** Jobs at most; 0 gives none. */
  limit: number;
}

export interface RunHistoryEntry extends RunRecord {
  jobId: string;
  /** The replica (lease owner) that ran it. */
  owner: string;
}

export interface AcquireRequest {
  owner: string;
  now: Date;
  limit: number;
  leaseUntil: Date;
}

export interface AcquireJobRequest {
  owner: string;
  jobId: string;
  now: Date;
  leaseUntil: Date;
}

export type RunOutcome = 'success' | 'error' | 'missed' | 'max_instances' | 'timeout';

/** One scheduled run of a job, as run history records it. */
export interface RunRecord {
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  outcome: RunOutcome;
  error: string | null;
  /** Which attempt of the scheduled run this was (1 unless retried). */
  attempt?: number;
}

/** A run whose attempts are used up (or too old to try again): kept until redriven or discarded. */
export interface DeadRun {
  /** Store-assigned. */
  id: string;
  jobId: string;
  scheduledAt: Date;
  attempts: number;
  lastError: string;
  handler: string;
  deadAt: Date;
  /** The job as it was, so a redrive can bring back a one-shot job that has ended. */
  job: Job;
  /** Set once it was redriven (retried again) or discarded; it is then no longer listed. */
  settledAt?: Date | null;
  settledAs?: 'redriven' | 'discarded' | null;
}

export interface DeadRunQuery {
  jobId?: string;
  /** Keyset: only dead runs with an id after this one. */
  after?: string;
  limit: number;
}

export interface RunCompletion {
  jobId: string;
  /** The job's `version` as acquired; stores bump `version` on user changes only, not on lease or completion. */
  version: number | undefined;
  runs: RunRecord[];
  events: OutboxEvent[];
  /** Events of guarded runs (RunContext.guard): each group commits only when its guard says so. */
  guarded?: GuardedEvents[];
  /** The job's next run time after these runs; null when it will never run again (the job is removed). */
  nextRunTime: Date | null;
  /** Retries still waiting after these runs (null: none); stored with the job. */
  retryState?: RetryState | null;
  /** Runs that died in this completion (id is assigned by the store). */
  deadRuns?: Array<Omit<DeadRun, 'id'>>;
}

export interface CompleteResult {
  leaseLost: string[];
}
