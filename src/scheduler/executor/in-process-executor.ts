import { RunAbortedError, RunTimeoutError, ValidationError } from '../errors';
import type { Clock } from '../ports/clock';
import type { ExecutionOutcome, ExecutionResult, ExecutionTask, Executor } from './executor';

export interface InProcessExecutorOptions {
  clock: Clock;
  /** Tasks running at once. */
  maxConcurrency: number;
  /** Per task; null = no limit. On expiry the task's signal aborts and it resolves as 'timeout'. */
  timeoutMs: number | null;
}

interface Pending {
  task: ExecutionTask;
  resolve: (result: ExecutionResult) => void;
}

interface Running {
  controller: AbortController;
  finish: (outcome: ExecutionOutcome, error: unknown) => void;
}

/**
 * Runs tasks as promises in this process, at most `maxConcurrency` at once, the rest queued in
 * submission order. A task that times out frees its slot at once even if its handler ignores the
 * signal, so one stuck handler cannot starve the others (handlers should honour the signal).
 */
export class InProcessExecutor implements Executor {
  private readonly queue: Pending[] = [];
  private readonly active = new Set<Running>();

  constructor(private readonly options: InProcessExecutorOptions) {
    if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1)
      throw new ValidationError('maxConcurrency', 'must be an integer >= 1');
    if (options.timeoutMs !== null && !(options.timeoutMs > 0))
      throw new ValidationError('runTimeoutMs', 'must be null or > 0');
  }

  get running(): number {
    return this.active.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  get capacity(): number {
    return this.options.maxConcurrency;
  }

  submit(task: ExecutionTask): Promise<ExecutionResult> {
    return new Promise((resolve) => {
      if (this.active.size < this.options.maxConcurrency) this.start({ task, resolve });
      else this.queue.push({ task, resolve });
    });
  }

  abortAll(): void {
    const finishedAt = this.options.clock.now();
    for (const pending of this.queue.splice(0))
      pending.resolve({ outcome: 'aborted', error: new RunAbortedError(), startedAt: null, finishedAt });
    for (const running of [...this.active]) running.finish('aborted', new RunAbortedError());
  }

  private start({ task, resolve }: Pending): void {
    const { clock, timeoutMs } = this.options;
    const controller = new AbortController();
    const startedAt = clock.now();
    let cancelTimer: (() => void) | undefined;
    let done = false;
    const running: Running = {
      controller,
      finish: (outcome, error) => {
        if (done) return;
        done = true;
        cancelTimer?.();
        this.active.delete(running);
        if (outcome === 'timeout' || outcome === 'aborted') controller.abort(error);
        resolve({ outcome, error, startedAt, finishedAt: clock.now() });
        this.startNext();
      },
    };
    this.active.add(running);
    if (timeoutMs !== null) {
      cancelTimer = clock.setTimer(new Date(startedAt.getTime() + timeoutMs), () =>
        running.finish('timeout', new RunTimeoutError(timeoutMs)),
      );
    }
    // Start on a microtask so a handler that throws synchronously is still a rejected promise.
    Promise.resolve()
      .then(() => task.run(controller.signal))
      .then(
        () => running.finish('success', null),
        (error: unknown) => running.finish('error', error),
      );
  }

  private startNext(): void {
    while (this.active.size < this.options.maxConcurrency && this.queue.length > 0) {
      this.start(this.queue.shift() as Pending);
    }
  }
}
