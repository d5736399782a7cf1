import type { CompletionBatcher } from './completion-batcher';
import { SchedulerAlreadyRunningError, SchedulerNotRunningError } from './errors';
import type { Listener, SchedulerEventMap, SchedulerEventName, TypedEmitter } from './events';
import type { Executor } from './executor/executor';
import type { ActionHandler, HandlerOptions } from './handlers';
import type { WorkerModule } from './executor/worker-module';
import type { HandlerRegistry } from './handler-registry';
import type { ActionSpec, AddJobInput, Job, JobChanges } from './job';
import { JobChangeNotifier } from './job-change-notifier';
import { JobManager, type AddJobsResult, type RunNowResult } from './job-manager';
import { JobPreparer } from './job-preparer';
import type { DeadRun, DeadRunQuery, JobListQuery, RunHistoryEntry } from './ports/job-store';
import type { RunDispatcher } from './run-dispatcher';
import { abandonInFlight, closeAfterLoop, type ShutdownParts } from './scheduler-shutdown';
import { buildSchedulerEngine } from './scheduler-engine';
import type { LoopMode, SchedulerLoop } from './scheduler-loop';
import type { SchedulerTransaction } from './scheduler-transaction';
import {
  resolveSchedulerOptions,
  type ResolvedSchedulerOptions,
  type SchedulerOptions,
} from './scheduler-options';
import type { TriggerSpec } from './triggers';

export type { AddJobsResult, RunNowResult } from './job-manager';

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
  private readonly loop: SchedulerLoop;
  private readonly preparer: JobPreparer;
  /** How the job-changing calls below work; this class keeps their contract and the lifecycle. */
  private readonly jobs: JobManager;
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
    const engine = buildSchedulerEngine(this.o, {
      mode: () => this.mode(),
      isRunning: () => this.state === 'running',
      pausedEverywhere: async () => (this.pausedShared = await this.o.state.isPaused()),
      recovered: () => {
        this.healthy_ = true;
      },
      fail: (during, error) => this.fail(during, error),
    });
    this.emitter = engine.emitter;
    this.executors = engine.executors;
    this.handlers = engine.handlers;
    this.dispatcher = engine.dispatcher;
    this.batcher = engine.batcher;
    this.loop = engine.loop;
    this.preparer = new JobPreparer(this.o, this.handlers);
    this.jobs = new JobManager({
      options: this.o,
      emitter: this.emitter,
      dispatcher: this.dispatcher,
      loop: this.loop,
      preparer: this.preparer,
      notifier: new JobChangeNotifier(this.emitter, this.dispatcher, this.loop),
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
  addJob(input: AddJobInput): Promise<Job> {
    return this.jobs.addJob(input);
  }

  /** Bulk add (one store call for the new ones). Every input is validated before anything is stored. */
  addJobs(given: AddJobInput[]): Promise<AddJobsResult> {
    return this.jobs.addJobs(given);
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
    return this.jobs.transaction(work);
  }

  modifyJob(id: string, given: JobChanges): Promise<Job> {
    return this.jobs.modifyJob(id, given);
  }

  /** New trigger; the next run time is its first fire from now (none while paused). */
  rescheduleJob(id: string, triggerSpec: TriggerSpec): Promise<Job> {
    return this.jobs.rescheduleJob(id, triggerSpec);
  }

  pauseJob(id: string): Promise<Job> {
    return this.jobs.pauseJob(id);
  }

  /** Next run time from now; a job whose trigger has no more fire times is removed (APScheduler 3). */
  resumeJob(id: string): Promise<Job | null> {
    return this.jobs.resumeJob(id);
  }

  /** A run in flight finishes and commits its history and events; the job does not come back. */
  removeJob(id: string): Promise<void> {
    return this.jobs.removeJob(id);
  }

  removeAllJobs(): Promise<void> {
    return this.jobs.removeAllJobs();
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
  redriveDeadRun(id: string): Promise<'redriven' | 'settled' | 'missing' | 'busy'> {
    return this.jobs.redriveDeadRun(id);
  }

  discardDeadRun(id: string): Promise<'discarded' | 'settled' | 'missing'> {
    return this.o.store.discardDeadRun(id, this.o.clock.now());
  }

  /** One run now, outside the schedule (its next run time is left alone). */
  async runJobNow(id: string): Promise<RunNowResult> {
    if (this.state !== 'running') throw new SchedulerNotRunningError();
    return this.jobs.runJobNow(id);
  }

  private mode(): LoopMode {
    // The scheduler-wide flag is read by the loop itself on every look (never from a cached value).
    if (this.state === 'running') return this.paused ? 'paused' : 'running';
    return this.state;
  }

  private async stop(wait: boolean): Promise<void> {
    this.state = 'draining';
    const parts: ShutdownParts = {
      dispatcher: this.dispatcher,
      executors: this.executors,
      batcher: this.batcher,
      store: this.o.store,
      owner: this.o.owner,
      fail: (during, error) => this.fail(during, error),
    };
    const abandoned = wait ? [] : abandonInFlight(parts);
    this.loop.wake();
    await this.loopDone;
    await closeAfterLoop(parts, abandoned);
    this.state = 'stopped';
    this.emitter.emit('scheduler.shutdown', { owner: this.o.owner, wait });
  }

  /**
   * Checks an action as addJob would (a registered handler, its args): lets a caller refuse bad
   * input before it opens a unit of work. @throws ValidationError, UnknownHandlerError
   */
  checkAction(action: ActionSpec): void {
    this.preparer.requireAction(action, 'action');
  }

  private fail(during: string, error: unknown): void {
    this.healthy_ = false;
    this.lastError_ = error;
    this.emitter.emit('scheduler.error', { during, error });
  }
}
