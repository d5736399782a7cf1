import { ConflictingIdError } from './errors';
import type { AddJobInput, Job } from './job';
import type { OutboxEvent } from './outbox';
import type { StoreTransaction } from './ports/job-store';
import { camelJobOptions } from './validation/job-option-names';

/** What a unit of work did to the scheduler's tables, reported (events, wake-ups) after commit. */
export interface UnitOfWorkChanges {
  added: Job[];
  replaced: Job[];
  removed: string[];
  events: number;
}

export interface TransactionAddJobsResult {
  added: Job[];
  /** Existing jobs replaced (inputs with `replaceExisting`). */
  replaced: Job[];
  /** Ids already taken (and not replaced): left as they were. */
  duplicates: string[];
}

/**
 * The Scheduler's side of a unit of work (`Scheduler.transaction`): jobs are validated and built
 * as `Scheduler.addJob` builds them, then written through the store's transaction. Domain tables
 * join the same transaction through `store` (MySQL: `sqlOf(tx.store)`; memory: TransactionalMap).
 * After commit, and only then, the scheduler emits job.added / job.removed and
 * transaction.committed and wakes its loop for the new run times.
 */
export class SchedulerTransaction {
  readonly changes: UnitOfWorkChanges = { added: [], replaced: [], removed: [], events: 0 };

  constructor(
    readonly store: StoreTransaction,
    private readonly prepare: (input: AddJobInput, prefix: string) => Job,
  ) {}

  /** Add one job; a taken id throws ConflictingIdError unless `replaceExisting` (then it is replaced). */
  async addJob(input: AddJobInput): Promise<Job> {
    const { added, replaced } = await this.addJobs([input]);
    const job = added[0] ?? replaced[0];
    if (!job) throw new ConflictingIdError(this.prepare(input, '').id);
    return job;
  }

  /** Bulk add: every input is validated before anything is written; one insert for the new ones. */
  async addJobs(given: AddJobInput[]): Promise<TransactionAddJobsResult> {
    const jobs = given.map((input, i) => this.prepare(input, `[${i}].`));
    const inputs = given.map((input, i) => camelJobOptions(input, `[${i}].`));
    const result: TransactionAddJobsResult = { added: [], replaced: [], duplicates: [] };
    const seen = new Set<string>();
    const plain: Job[] = [];
    const replacing: Job[] = [];
    // Within one call the first input of an id wins, unless a later one asks to replace it.
    for (const [i, job] of jobs.entries()) {
      if (inputs[i].replaceExisting) replacing.push(job);
      else if (seen.has(job.id)) result.duplicates.push(job.id);
      else plain.push(job);
      seen.add(job.id);
    }
    const byId = new Map(jobs.map((job) => [job.id, job]));
    const first = await this.store.addJobs(plain);
    result.duplicates.push(...first.duplicates);
    result.added.push(...first.added.map((id) => byId.get(id) as Job));
    if (replacing.length > 0) {
      const second = await this.store.addJobs(replacing, { replaceExisting: true });
      result.added.push(...second.added.map((id) => byId.get(id) as Job));
      result.replaced.push(...second.replaced.map((id) => byId.get(id) as Job));
    }
    this.changes.added.push(...result.added);
    this.changes.replaced.push(...result.replaced);
    return result;
  }

  /**
   * Remove a job (see StoreTransaction.removeJob): with `ifFree` a job being fired is left alone
   * ('leased'), so a guarded run settles the race instead of anyone waiting on the lease.
   */
  async removeJob(id: string, options: { ifFree?: boolean } = {}): Promise<'removed' | 'leased' | 'missing'> {
    const outcome = await this.store.removeJob(id, options);
    if (outcome === 'removed') this.changes.removed.push(id);
    return outcome;
  }

  /** Builds and validates a job as `addJob` would (trigger anchored now, first run time), writing nothing. */
  build(input: AddJobInput): Job {
    return this.prepare(input, '');
  }

  /** The jobs with these ids that exist, locked against other writers until this unit of work ends. */
  getJobs(ids: string[]): Promise<Job[]> {
    return this.store.getJobs(ids);
  }

  /**
   * Writes changed copies of jobs read with `getJobs`: each replaces the stored job (its lease and
   * any run in flight kept; that run's completion then leaves the new next run time alone).
   * Validated as `addJob` validates its input.
   */
  async updateJobs(jobs: Job[]): Promise<void> {
    for (const job of jobs) this.prepare({ ...job, nextRunTime: job.nextRunTime ?? null }, '');
    const { replaced } = await this.store.addJobs(jobs, { replaceExisting: true });
    const byId = new Map(jobs.map((job) => [job.id, job]));
    this.changes.replaced.push(...replaced.map((id) => byId.get(id) as Job));
  }

  /** Outbox events committed with this unit of work (an eventId already stored is skipped). */
  async appendEvents(events: OutboxEvent[]): Promise<void> {
    await this.store.appendEvents(events);
    this.changes.events += events.length;
  }
}
