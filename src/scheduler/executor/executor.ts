import type { ModuleRunner } from './worker-module';

/**
 * The Executor port: runs tasks with bounded concurrency and a timeout per task. Results are
 * values, never rejections, so one failing run cannot break the loop that submitted it.
 */
export interface Executor {
  /** Runs `task` when a slot is free. */
  submit(task: ExecutionTask): Promise<ExecutionResult>;
  /** Tasks running now / waiting for a slot. */
  readonly running: number;
  readonly queued: number;
  readonly capacity: number;
  /** Aborts every running and queued task: they resolve at once as 'aborted' (shutdown without wait). */
  abortAll(): void;
  /**
   * How this executor runs a worker-module handler (a file: see worker-module.ts). Absent: on
   * this thread, like a function handler.
   */
  readonly runModule?: ModuleRunner;
  /** Runs happen off this thread: only worker-module handlers can be given to it. */
  readonly modulesOnly?: boolean;
  /** Releases what it holds (threads). Scheduler.shutdown calls it, as APScheduler shuts its executors down. */
  close?(): Promise<void>;
}

export interface ExecutionTask {
  run(signal: AbortSignal): Promise<void> | void;
}

export type ExecutionOutcome = 'success' | 'error' | 'timeout' | 'aborted';

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  /** The thrown value ('error'), or the abort reason ('timeout', 'aborted'). */
  error: unknown;
  /** Null when the task was aborted before it started. */
  startedAt: Date | null;
  finishedAt: Date;
}
