import type { Job } from '../job';
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
}

export interface RunCompletion {
  jobId: string;
  /** The job's `version` as acquired; stores bump `version` on user changes only, not on lease or completion. */
  version: number | undefined;
  runs: RunRecord[];
  events: OutboxEvent[];
  /** The job's next run time after these runs; null when it will never run again (the job is removed). */
  nextRunTime: Date | null;
}

export interface CompleteResult {
  leaseLost: string[];
}
