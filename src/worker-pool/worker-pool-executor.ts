import { availableParallelism } from 'node:os';

import { Piscina } from 'piscina';

import {
  InProcessExecutor,
  ValidationError,
  type Clock,
  type ExecutionResult,
  type ExecutionTask,
  type Executor,
  type ModuleCall,
} from '../scheduler';

export interface WorkerPoolExecutorOptions {
  clock: Clock;
  /** Worker threads, and so runs at once. Default: the cores available, less one for the loop. */
  maxThreads?: number;
  /** Per run; null = no limit. On expiry the run's thread is terminated and the run is 'timeout'. */
  timeoutMs: number | null;
  /** An idle thread exits after this long (a new one starts when work comes). Default 30 s. */
  idleTimeoutMs?: number;
}

/**
 * APScheduler's ProcessPoolExecutor counterpart: worker-module handlers run on a pool of worker
 * threads (piscina), so a CPU-bound handler does not hold up the scheduler's loop or other jobs.
 * Slots, queueing, timeouts and aborts are the in-process executor's own (same results for the
 * same cases); each slot's work is handed to a thread, and a run that times out or is aborted has
 * its thread terminated, so even a handler stuck in a loop is stopped (on the in-process executor
 * it cannot be). Function handlers cannot cross threads: `modulesOnly`.
 */
export class WorkerPoolExecutor implements Executor {
  readonly modulesOnly = true;
  private readonly slots: InProcessExecutor;
  private readonly maxThreads: number;
  private pool: Piscina | null = null;

  constructor(private readonly options: WorkerPoolExecutorOptions) {
    this.maxThreads = options.maxThreads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(this.maxThreads) || this.maxThreads < 1)
      throw new ValidationError('maxThreads', 'must be an integer >= 1');
    const idle = options.idleTimeoutMs ?? 30_000;
    if (!(idle >= 0)) throw new ValidationError('idleTimeoutMs', 'must be a number >= 0');
    this.slots = new InProcessExecutor({
      clock: options.clock,
      maxConcurrency: this.maxThreads,
      timeoutMs: options.timeoutMs,
    });
  }

  get running(): number {
    return this.slots.running;
  }

  get queued(): number {
    return this.slots.queued;
  }

  get capacity(): number {
    return this.slots.capacity;
  }

  /** Threads started now (they start on demand and exit when idle). */
  get threads(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** As many slots as threads, so a run that has a slot never waits in piscina's queue. */
  submit(task: ExecutionTask): Promise<ExecutionResult> {
    return this.slots.submit(task);
  }

  readonly runModule = (call: ModuleCall, signal: AbortSignal): Promise<unknown> =>
    // filename and name are always given (never read from a prototype: GHSA-x9g3-xrwr-cwfg).
    this.threadPool().run(call.input, { filename: call.filename, name: call.exportName, signal });

  abortAll(): void {
    this.slots.abortAll();
  }

  /** Terminates the threads; a later run starts new ones (a scheduler may be started again). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }

  private threadPool(): Piscina {
    this.pool ??= new Piscina({
      minThreads: 0,
      maxThreads: this.maxThreads,
      idleTimeout: this.options.idleTimeoutMs ?? 30_000,
      // Tasks never wait in piscina (the slots queue them), so no queue limit is needed here.
      maxQueue: this.maxThreads,
    });
    return this.pool;
  }
}
