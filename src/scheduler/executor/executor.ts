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
