import { AddBatcher } from './add-batcher';
import { ConflictingIdError, JobLookupError, ValidationError } from './errors';
import type { SchedulerEventMap, TypedEmitter } from './events';
import type { AddJobInput, Job, JobChanges } from './job';
import { applyChanges, parseTrigger, validateJobFields, withRegularNext } from './job-builder';
import type { JobChangeNotifier } from './job-change-notifier';
import type { JobPreparer } from './job-preparer';
import type { RunDispatcher } from './run-dispatcher';
import type { SchedulerLoop } from './scheduler-loop';
import { SchedulerTransaction } from './scheduler-transaction';
import type { ResolvedSchedulerOptions } from './scheduler-options';
import type { TriggerSpec } from './triggers';
import { anchorAtNextRun } from './interval-anchor';
import { camelJobOptions, inGivenNames } from './validation/job-option-names';

/** Most single adds group committed in one store call (MySQL: one multi-row insert). */
const ADD_BATCH = 1000;

export interface AddJobsResult {
  added: string[];
  /** Existing jobs replaced (inputs with `replaceExisting`). */
  replaced: string[];
  /** Ids already taken (and not replaced): left as they were. */
  duplicates: string[];
}

export interface RunNowResult {
  scheduledAt: Date;
  /** 'max_instances': the job is in flight (here at its limit, or leased by another replica). */
  outcome: 'submitted' | 'max_instances';
}

export interface JobManagerDeps {
  options: ResolvedSchedulerOptions;
  emitter: TypedEmitter<SchedulerEventMap>;
  dispatcher: RunDispatcher;
  loop: SchedulerLoop;
  preparer: JobPreparer;
  notifier: JobChangeNotifier;
}

/**
 * The Scheduler's job-changing calls (add, modify, pause, remove, run now, dead-run redrive):
 * each writes through the store and then tells the dispatcher, listeners and loop. The
 * Scheduler documents them; this holds how they work, apart from its lifecycle.
 */
export class JobManager {
  private readonly o: ResolvedSchedulerOptions;
  private readonly adds: AddBatcher;

  constructor(private readonly d: JobManagerDeps) {
    this.o = d.options;
    this.adds = new AddBatcher({ store: this.o.store, maxBatch: ADD_BATCH });
  }

  async addJob(input: AddJobInput): Promise<Job> {
    const job = this.d.preparer.prepare(input, '');
    await this.store(job, camelJobOptions(input).replaceExisting ?? false);
    return job;
  }

  async addJobs(given: AddJobInput[]): Promise<AddJobsResult> {
    const jobs = given.map((input, i) => this.d.preparer.prepare(input, `[${i}].`));
    const inputs = given.map((input, i) => camelJobOptions(input, `[${i}].`));
    const { added, duplicates } = await this.o.store.addJobs(jobs);
    const addedSet = new Set(added);
    const result: AddJobsResult = { added, replaced: [], duplicates: [] };
    const seen = new Set<string>();
    for (const [i, job] of jobs.entries()) {
      if (addedSet.has(job.id) && !seen.has(job.id)) {
        seen.add(job.id);
        this.d.notifier.added(job);
      } else if (inputs[i].replaceExisting) {
        await this.o.store.updateJob(job);
        this.d.notifier.changed(job, 'job.added');
        result.replaced.push(job.id);
      }
    }
    const replaced = new Set(result.replaced);
    result.duplicates = [...new Set(duplicates)].filter((id) => !replaced.has(id));
    return result;
  }

  transaction<T>(work: (tx: SchedulerTransaction) => Promise<T>): Promise<T> {
    return this.o.store.transaction(async (storeTx) => {
      const tx = new SchedulerTransaction(storeTx, (input, prefix) => this.d.preparer.prepare(input, prefix));
      const result = await work(tx);
      storeTx.afterCommit(() => this.d.notifier.unitOfWork(tx.changes));
      return result;
    });
  }

  async modifyJob(id: string, given: JobChanges): Promise<Job> {
    const changes = camelJobOptions(given);
    try {
      validateJobFields(changes, '', this.o.maxActionBytes);
    } catch (error) {
      throw inGivenNames(error, given);
    }
    if (changes.action) this.d.preparer.requireAction(changes.action, 'action');
    let job = applyChanges(await this.require(id), changes);
    if (changes.nextRunTime !== undefined) job = withRegularNext(job, job.nextRunTime);
    await this.o.store.updateJob(job);
    return this.d.notifier.changed(job, 'job.modified');
  }

  async rescheduleJob(id: string, triggerSpec: TriggerSpec): Promise<Job> {
    const trigger = this.d.preparer.anchored(parseTrigger(triggerSpec, this.o.random));
    const current = { ...(await this.require(id)), trigger: trigger.toJSON() };
    const regularNext = current.paused ? null : trigger.getNextFireTime(null, this.o.clock.now());
    if (!current.paused && regularNext === null)
      throw new ValidationError('trigger', 'the trigger never fires');
    const job = withRegularNext(current, regularNext);
    await this.o.store.updateJob(job);
    return this.d.notifier.changed(job, 'job.modified');
  }

  async pauseJob(id: string): Promise<Job> {
    const current = await this.require(id);
    const trigger = anchorAtNextRun(current.trigger, current.nextRunTime);
    const job: Job = { ...current, trigger, paused: true, nextRunTime: null };
    await this.o.store.updateJob(job);
    return this.d.notifier.changed(job, 'job.modified');
  }

  async resumeJob(id: string): Promise<Job | null> {
    const current = await this.require(id);
    const trigger = this.d.preparer.anchored(parseTrigger(current.trigger, this.o.random));
    const next = trigger.getNextFireTime(null, this.o.clock.now());
    if (next === null && !current.retryState?.runs.length) {
      await this.removeJob(id);
      return null;
    }
    const job = withRegularNext({ ...current, trigger: trigger.toJSON(), paused: false }, next);
    await this.o.store.updateJob(job);
    return this.d.notifier.changed(job, 'job.modified');
  }

  async removeJob(id: string): Promise<void> {
    await this.o.store.removeJob(id);
    this.d.notifier.removed(id);
  }

  async removeAllJobs(): Promise<void> {
    await this.o.store.removeAllJobs();
    for (const id of this.d.dispatcher.held.keys()) this.d.dispatcher.noteChanged(id);
  }

  async redriveDeadRun(id: string): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    const now = this.o.clock.now();
    const result = await this.o.store.redriveDeadRun(id, now);
    if (result === 'redriven') this.d.loop.wakeFor(now);
    return result;
  }

  /** The caller has checked that the scheduler is running. */
  async runJobNow(id: string): Promise<RunNowResult> {
    const { dispatcher } = this.d;
    const now = this.o.clock.now();
    const held = dispatcher.held.get(id);
    if (held && !held.finalized) {
      const submitted = dispatcher.runHeldNow(held, now);
      return { scheduledAt: now, outcome: submitted ? 'submitted' : 'max_instances' };
    }
    const leaseUntil = now.getTime() + this.o.leaseMs;
    const job = held
      ? null
      : await this.o.store.acquireJob({
          owner: this.o.owner,
          jobId: id,
          now,
          leaseUntil: new Date(leaseUntil),
        });
    if (job === null) {
      const existing = await this.require(id);
      this.d.emitter.emit('job.maxInstances', {
        jobId: id,
        scheduledRunTimes: [now],
        maxInstances: existing.maxInstances,
      });
      return { scheduledAt: now, outcome: 'max_instances' };
    }
    dispatcher.admitOnDemand(job, leaseUntil, now);
    return { scheduledAt: now, outcome: 'submitted' };
  }

  private async store(job: Job, replaceExisting: boolean): Promise<void> {
    if ((await this.adds.add(job)) === 'added') {
      this.d.notifier.added(job);
      return;
    }
    if (!replaceExisting) throw new ConflictingIdError(job.id);
    await this.o.store.updateJob(job);
    this.d.notifier.changed(job, 'job.added');
  }

  private async require(id: string): Promise<Job> {
    const job = await this.o.store.getJob(id);
    if (!job) throw new JobLookupError(id);
    return job;
  }
}
