import { AddBatcher } from './add-batcher';
import { CompletionBatcher } from './completion-batcher';
import { Backoff } from './backoff';
import {
  ConflictingIdError,
  JobLookupError,
  LeaseLostError,
  SchedulerAlreadyRunningError,
  SchedulerNotRunningError,
  ValidationError,
} from './errors';
import { TypedEmitter, type Listener, type SchedulerEventMap, type SchedulerEventName } from './events';
import { InProcessExecutor } from './executor/in-process-executor';
import type { Executor } from './executor/executor';
import type { ActionHandler, HandlerOptions } from './handlers';
import type { WorkerModule } from './executor/worker-module';
import { HandlerRegistry } from './handler-registry';
import type { ActionSpec, AddJobInput, Job, JobChanges } from './job';
import { applyChanges, buildJob, parseTrigger, validateJobFields, withRegularNext } from './job-builder';
import type { DeadRun, DeadRunQuery, JobListQuery, RunHistoryEntry } from './ports/job-store';
import { RunDispatcher } from './run-dispatcher';
import { SchedulerLoop, type LoopMode } from './scheduler-loop';
import { SchedulerTransaction, type UnitOfWorkChanges } from './scheduler-transaction';
import {
  resolveSchedulerOptions,
  type ResolvedSchedulerOptions,
  type SchedulerOptions,
} from './scheduler-options';
import type { Trigger, TriggerSpec } from './triggers';
import { anchorAtNextRun, anchorIntervals } from './interval-anchor';
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

/**
 * The scheduler (APScheduler's API): job management over a JobStore, and a loop that leases due
 * jobs, runs them through named action handlers and commits each job's runs, outbox events and
 * next run time together. Safe to run on several replicas over one shared store.
 */
export class Scheduler {
  private readonly o: ResolvedSchedulerOptions;
  private readonly emitter: TypedEmitter<SchedulerEventMap>;
  private readonly handlers: HandlerRegistry;
  /** By name; `default` is the in-process one unless replaced. */
  private readonly executors: ReadonlyMap<string, Executor>;
  private readonly dispatcher: RunDispatcher;
  private readonly batcher: CompletionBatcher;
  private readonly adds: AddBatcher;
  private readonly loop: SchedulerLoop;
  private state: 'stopped' | 'running' | 'draining' = 'stopped';
  /** Paused here only (start({ paused: true })). */
  private paused = false;
  /** The scheduler-wide flag as this replica last read or set it. */
  private pausedShared = false;
  private loopDone: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private healthy_ = true;
  private lastError_: unknown = null;

  constructor(options: SchedulerOptions) {
    this.o = resolveSchedulerOptions(options);
    const { clock, store, owner } = this.o;
    this.emitter = new TypedEmitter<SchedulerEventMap>((name, error) => {
      if (name !== 'scheduler.error')
        this.emitter.emit('scheduler.error', { during: `listener of ${String(name)}`, error });
    });
    const main =
      this.o.executor ??
      new InProcessExecutor({ clock, maxConcurrency: this.o.maxConcurrency, timeoutMs: this.o.runTimeoutMs });
    this.executors = new Map([...Object.entries(this.o.executors), ['default', main]]);
    this.handlers = new HandlerRegistry(this.executors);
    this.dispatcher = new RunDispatcher({
      store,
      clock,
      executors: [...this.executors.values()],
      handlers: this.handlers,
      emitter: this.emitter,
      random: this.o.random,
      retryPolicy: this.o.retryPolicy,
      deadLetterTopic: this.o.deadLetterTopic,
      complete: (completion) => this.batcher.add(completion),
      onInstanceEnd: () => this.loop.runEnded(),
    });
    this.batcher = new CompletionBatcher({
      store,
      owner,
      clock,
      maxBatch: this.o.batchSize,
      backoff: new Backoff(this.o.backoffMs, this.o.maxBackoffMs),
      onCommitted: (batch, result) => {
        const lost = new Set(result.leaseLost);
        const committed = batch.filter((c) => !lost.has(c.jobId));
        this.emitter.emit('runs.committed', {
          jobIds: committed.map((c) => c.jobId),
          events: committed.reduce(
            (n, c) => n + c.events.length + (c.guarded ?? []).reduce((g, e) => g + e.events.length, 0),
            0,
          ),
        });
        for (const completion of batch) {
          this.dispatcher.released(completion);
          // Not a store failure (health stays): another replica reclaimed the job and runs it again.
          if (lost.has(completion.jobId))
            this.emitter.emit('scheduler.error', {
              during: 'complete runs',
              error: new LeaseLostError(completion.jobId),
            });
          else this.loop.wakeFor(completion.nextRunTime);
        }
        this.healthy_ = true;
        this.loop.runEnded();
      },
      onError: (error) => this.fail('complete runs', error),
    });
    this.adds = new AddBatcher({ store, maxBatch: ADD_BATCH });
    this.loop = new SchedulerLoop({
      options: this.o,
      dispatcher: this.dispatcher,
      awaitingCommit: () => this.batcher.pending,
      mode: () => this.mode(),
      pausedEverywhere: async () => (this.pausedShared = await this.o.state.isPaused()),
      onSuccess: () => {
        if (this.batcher.pending === 0 || this.state !== 'running') this.healthy_ = true;
      },
      onFailure: (during, error) => this.fail(during, error),
    });
  }

  /** This replica's id (the lease owner). */
  get owner(): string {
    return this.o.owner;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Paused here, by start({ paused: true }) or by a scheduler-wide pause as last seen. */
  get isPaused(): boolean {
    return this.paused || this.pausedShared;
  }

  /** The stored scheduler-wide flag (set through any replica). */
  isPausedEverywhere(): Promise<boolean> {
    return this.o.state.isPaused();
  }

  /** False since the last store failure until a store call succeeds again. */
  get healthy(): boolean {
    return this.healthy_;
  }

  /** The most recent failure survived (kept after recovery, for diagnostics). */
  get lastError(): unknown {
    return this.lastError_;
  }

  on<K extends SchedulerEventName>(name: K, listener: Listener<SchedulerEventMap[K]>): () => void {
    return this.emitter.on(name, listener);
  }

  off<K extends SchedulerEventName>(name: K, listener: Listener<SchedulerEventMap[K]>): void {
    this.emitter.off(name, listener);
  }

  /**
   * Registers a named action. `options.validateArgs` checks a job's args when the job is added or
   * its action changed, whatever the entry point, throwing a ValidationError whose field starts at
   * `args` (it is reported as `action.args…`).
   */
  registerHandler(name: string, handler: ActionHandler, options: HandlerOptions = {}): void {
    this.handlers.register(name, handler, options);
  }

  /**
   * Registers a named action whose code is a file (a worker module, docs/executors.md), so that it
   * can run on an executor off this thread (`options.executor`, e.g. a WorkerPoolExecutor) for
   * CPU-bound work. On the default executor it runs on this thread like any handler.
   */
  registerWorkerHandler(name: string, module: WorkerModule, options: HandlerOptions = {}): void {
    this.handlers.registerWorker(name, module, options);
  }

  async start(options: { paused?: boolean } = {}): Promise<void> {
    if (this.state !== 'stopped') throw new SchedulerAlreadyRunningError();
    await this.o.store.start();
    this.state = 'running';
    this.paused = options.paused ?? false;
    this.loopDone = this.loop.run();
    this.emitter.emit('scheduler.started', { owner: this.o.owner });
  }

  /**
   * APScheduler's pause(), for every replica: the flag is stored, and each replica reads it
   * before taking due jobs. Runs in flight carry on and complete; jobs keep their schedules.
   */
  async pause(): Promise<void> {
    this.pausedShared = true;
    await this.o.state.setPaused(true, this.o.clock.now());
  }

  /** Resume everywhere (and here, if started paused); missed runs follow each job's misfire options. */
  async resume(): Promise<void> {
    await this.o.state.setPaused(false, this.o.clock.now());
    this.paused = false;
    this.pausedShared = false;
    this.loop.wake();
  }

  /**
   * wait=true: take no more jobs, let runs in flight finish and commit. wait=false: abort runs in
   * flight (their handlers' signals fire), commit what already finished, release the other leases.
   * The store is left open: whoever created it stops it.
   */
  shutdown(options: { wait?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.state !== 'running') return Promise.reject(new SchedulerNotRunningError());
    this.stopping = this.stop(options.wait ?? true).finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /** Group committed: adds made while others are being stored go together in one store call. */
  async addJob(input: AddJobInput): Promise<Job> {
    const job = this.prepare(input, '');
    await this.store(job, camelJobOptions(input).replaceExisting ?? false);
    return job;
  }

  /** Bulk add (one store call for the new ones). Every input is validated before anything is stored. */
  async addJobs(given: AddJobInput[]): Promise<AddJobsResult> {
    const jobs = given.map((input, i) => this.prepare(input, `[${i}].`));
    const inputs = given.map((input, i) => camelJobOptions(input, `[${i}].`));
    const { added, duplicates } = await this.o.store.addJobs(jobs);
    const addedSet = new Set(added);
    const result: AddJobsResult = { added, replaced: [], duplicates: [] };
    const seen = new Set<string>();
    for (const [i, job] of jobs.entries()) {
      if (addedSet.has(job.id) && !seen.has(job.id)) {
        seen.add(job.id);
        this.emitter.emit('job.added', { jobId: job.id, job, replaced: false });
        this.loop.wakeFor(job.nextRunTime);
      } else if (inputs[i].replaceExisting) {
        await this.o.store.updateJob(job);
        this.afterChange(job, 'job.added');
        result.replaced.push(job.id);
      }
    }
    const replaced = new Set(result.replaced);
    result.duplicates = [...new Set(duplicates)].filter((id) => !replaced.has(id));
    return result;
  }

  /**
   * The unit of work: `work` runs in one store transaction, in which domain code writes its own
   * tables (through `tx.store`) and adds, replaces or removes jobs and appends outbox events
   * through `tx`. All of it commits together or not at all; after the commit the usual events
   * (job.added, job.removed, transaction.committed) are emitted and the loop is woken for the new
   * run times. `work` may be run again after a transient conflict: act only through `tx`, and keep
   * side effects for after this resolves.
   */
  transaction<T>(work: (tx: SchedulerTransaction) => Promise<T>): Promise<T> {
    return this.o.store.transaction(async (storeTx) => {
      const tx = new SchedulerTransaction(storeTx, (input, prefix) => this.prepare(input, prefix));
      const result = await work(tx);
      storeTx.afterCommit(() => this.afterUnitOfWork(tx.changes));
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
    if (changes.action) this.requireAction(changes.action, 'action');
    let job = applyChanges(await this.require(id), changes);
    if (changes.nextRunTime !== undefined) job = withRegularNext(job, job.nextRunTime);
    await this.o.store.updateJob(job);
    return this.afterChange(job, 'job.modified');
  }

  /** New trigger; the next run time is its first fire from now (none while paused). */
  async rescheduleJob(id: string, triggerSpec: TriggerSpec): Promise<Job> {
    const trigger = this.anchored(parseTrigger(triggerSpec, this.o.random));
    const current = { ...(await this.require(id)), trigger: trigger.toJSON() };
    const regularNext = current.paused ? null : trigger.getNextFireTime(null, this.o.clock.now());
    if (!current.paused && regularNext === null)
      throw new ValidationError('trigger', 'the trigger never fires');
    const job = withRegularNext(current, regularNext);
    await this.o.store.updateJob(job);
    return this.afterChange(job, 'job.modified');
  }

  async pauseJob(id: string): Promise<Job> {
    const current = await this.require(id);
    const trigger = anchorAtNextRun(current.trigger, current.nextRunTime);
    const job: Job = { ...current, trigger, paused: true, nextRunTime: null };
    await this.o.store.updateJob(job);
    return this.afterChange(job, 'job.modified');
  }

  /** Next run time from now; a job whose trigger has no more fire times is removed (APScheduler 3). */
  async resumeJob(id: string): Promise<Job | null> {
    const current = await this.require(id);
    const trigger = this.anchored(parseTrigger(current.trigger, this.o.random));
    const next = trigger.getNextFireTime(null, this.o.clock.now());
    if (next === null && !current.retryState?.runs.length) {
      await this.removeJob(id);
      return null;
    }
    const job = withRegularNext({ ...current, trigger: trigger.toJSON(), paused: false }, next);
    await this.o.store.updateJob(job);
    return this.afterChange(job, 'job.modified');
  }

  /** A run in flight finishes and commits its history and events; the job does not come back. */
  async removeJob(id: string): Promise<void> {
    await this.o.store.removeJob(id);
    this.dispatcher.noteChanged(id);
    this.emitter.emit('job.removed', { jobId: id });
  }

  async removeAllJobs(): Promise<void> {
    await this.o.store.removeAllJobs();
    for (const id of this.dispatcher.held.keys()) this.dispatcher.noteChanged(id);
  }

  getJob(id: string): Promise<Job | null> {
    return this.o.store.getJob(id);
  }

  getJobs(): Promise<Job[]> {
    return this.o.store.getJobs();
  }

  /** One page of jobs in the getJobs order, filtered, after a keyset bound (JobStore.listJobs). */
  listJobs(query: JobListQuery): Promise<Job[]> {
    return this.o.store.listJobs(query);
  }

  getRunHistory(jobId: string, limit = 50): Promise<RunHistoryEntry[]> {
    return this.o.store.getRunHistory(jobId, limit);
  }

  listDeadRuns(query: DeadRunQuery): Promise<DeadRun[]> {
    return this.o.store.listDeadRuns(query);
  }

  getDeadRun(id: string): Promise<DeadRun | null> {
    return this.o.store.getDeadRun(id);
  }

  /** A dead run gets a new set of attempts, the first one now (JobStore.redriveDeadRun). */
  async redriveDeadRun(id: string): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    const now = this.o.clock.now();
    const result = await this.o.store.redriveDeadRun(id, now);
    if (result === 'redriven') this.loop.wakeFor(now);
    return result;
  }

  discardDeadRun(id: string): Promise<'discarded' | 'settled' | 'missing'> {
    return this.o.store.discardDeadRun(id, this.o.clock.now());
  }

  /** One run now, outside the schedule (its next run time is left alone). */
  async runJobNow(id: string): Promise<RunNowResult> {
    if (this.state !== 'running') throw new SchedulerNotRunningError();
    const now = this.o.clock.now();
    const held = this.dispatcher.held.get(id);
    if (held && !held.finalized) {
      const submitted = this.dispatcher.runHeldNow(held, now);
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
      this.emitter.emit('job.maxInstances', {
        jobId: id,
        scheduledRunTimes: [now],
        maxInstances: existing.maxInstances,
      });
      return { scheduledAt: now, outcome: 'max_instances' };
    }
    this.dispatcher.admitOnDemand(job, leaseUntil, now);
    return { scheduledAt: now, outcome: 'submitted' };
  }

  private mode(): LoopMode {
    // The scheduler-wide flag is read by the loop itself on every look (never from a cached value).
    if (this.state === 'running') return this.paused ? 'paused' : 'running';
    return this.state;
  }

  private async stop(wait: boolean): Promise<void> {
    this.state = 'draining';
    let abandoned: string[] = [];
    if (!wait) {
      abandoned = this.dispatcher.abandonUnfinished();
      for (const executor of this.executors.values()) executor.abortAll();
    }
    this.loop.wake();
    await this.loopDone;
    try {
      await this.batcher.drain();
    } catch (error) {
      // Left uncommitted: the leases expire and the runs happen again on a live replica.
      this.fail('shutdown', error);
      this.batcher.dispose();
    }
    if (abandoned.length > 0) {
      try {
        await this.o.store.releaseJobs(this.o.owner, abandoned);
      } catch (error) {
        this.fail('shutdown', error);
      }
    }
    for (const executor of this.executors.values()) {
      try {
        await executor.close?.();
      } catch (error) {
        this.fail('shutdown', error);
      }
    }
    this.dispatcher.held.clear();
    this.state = 'stopped';
    this.emitter.emit('scheduler.shutdown', { owner: this.o.owner, wait });
  }

  /** Validates and builds a job; options may be in APScheduler's names, and errors name them so. */
  private prepare(given: AddJobInput, prefix: string): Job {
    if (given === null || typeof given !== 'object')
      throw new ValidationError(prefix || 'job', 'must be an object');
    const input = camelJobOptions(given, prefix);
    try {
      validateJobFields(input, prefix, this.o.maxActionBytes);
    } catch (error) {
      throw inGivenNames(error, given, prefix);
    }
    if (input.action === undefined) throw new ValidationError(`${prefix}action`, 'is required');
    this.requireAction(input.action, `${prefix}action`);
    const parsed = parseTrigger(input.trigger, this.o.random, `${prefix}trigger`);
    const trigger = this.anchored(parsed, input.nextRunTime);
    return buildJob(input, trigger, this.o.clock.now(), prefix);
  }

  /** The trigger with its interval grids anchored now (DESIGN section 4). */
  private anchored(trigger: Trigger, firstRun?: Date | null): Trigger {
    const spec = trigger.toJSON();
    const anchored = anchorIntervals(spec, this.o.clock.now(), firstRun);
    return anchored === spec ? trigger : parseTrigger(anchored, this.o.random);
  }

  private async store(job: Job, replaceExisting: boolean): Promise<void> {
    if ((await this.adds.add(job)) === 'added') {
      this.emitter.emit('job.added', { jobId: job.id, job, replaced: false });
      this.loop.wakeFor(job.nextRunTime);
      return;
    }
    if (!replaceExisting) throw new ConflictingIdError(job.id);
    await this.o.store.updateJob(job);
    this.afterChange(job, 'job.added');
  }

  private afterUnitOfWork(changes: UnitOfWorkChanges): void {
    for (const job of changes.added) {
      this.emitter.emit('job.added', { jobId: job.id, job, replaced: false });
      this.loop.wakeFor(job.nextRunTime);
    }
    for (const job of changes.replaced) this.afterChange(job, 'job.added');
    for (const id of changes.removed) {
      this.dispatcher.noteChanged(id);
      this.emitter.emit('job.removed', { jobId: id });
    }
    this.emitter.emit('transaction.committed', {
      added: changes.added.map((j) => j.id),
      replaced: changes.replaced.map((j) => j.id),
      removed: changes.removed,
      events: changes.events,
    });
  }

  private afterChange(job: Job, event: 'job.added' | 'job.modified'): Job {
    this.dispatcher.noteChanged(job.id);
    if (event === 'job.added') this.emitter.emit('job.added', { jobId: job.id, job, replaced: true });
    else this.emitter.emit('job.modified', { jobId: job.id, job });
    this.loop.wakeFor(job.nextRunTime);
    return job;
  }

  private async require(id: string): Promise<Job> {
    const job = await this.o.store.getJob(id);
    if (!job) throw new JobLookupError(id);
    return job;
  }

  /**
   * Checks an action as addJob would (a registered handler, its args): lets a caller refuse bad
   * input before it opens a unit of work. @throws ValidationError, UnknownHandlerError
   */
  checkAction(action: ActionSpec): void {
    this.requireAction(action, 'action');
  }

  private requireAction(action: ActionSpec, field: string): void {
    this.handlers.requireAction(action, field);
  }

  private fail(during: string, error: unknown): void {
    this.healthy_ = false;
    this.lastError_ = error;
    this.emitter.emit('scheduler.error', { during, error });
  }
}
