import { Backoff } from './backoff';
import type { Clock } from './ports/clock';
import type { CompleteResult, JobStore, RunCompletion } from './ports/job-store';

export interface CompletionBatcherOptions {
  store: JobStore;
  owner: string;
  clock: Clock;
  maxBatch: number;
  backoff: Backoff;
  onCommitted(batch: RunCompletion[], result: CompleteResult): void;
  onError(error: unknown): void;
}

/**
 * Group commit of run completions. A SQL store does one transaction per `completeRuns` call, so
 * completions are not written one by one: those finished in the same event-loop turn go together,
 * and while one call is in flight the next batch gathers. Under load batches grow by themselves,
 * with no timer adding latency when idle. A failed call is retried with back-off, keeping order.
 */
export class CompletionBatcher {
  private readonly queue: RunCompletion[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private cancelRetry: (() => void) | null = null;

  constructor(private readonly options: CompletionBatcherOptions) {}

  get pending(): number {
    return this.queue.length;
  }

  add(completion: RunCompletion): void {
    this.queue.push(completion);
    this.schedule();
  }

  /** Commit everything queued now; rejects with the store error if a call fails. */
  async drain(): Promise<void> {
    this.cancelRetry?.();
    this.cancelRetry = null;
    for (;;) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      if (this.queue.length === 0) return;
      // Holding `flushing` keeps a concurrent flush from committing the same head twice.
      const commit = this.commitNext();
      this.flushing = commit.then(
        () => {},
        () => {},
      );
      try {
        await commit;
      } finally {
        this.flushing = null;
      }
    }
  }

  /** Stop retrying (shutdown); queued completions are dropped, their leases left to expire. */
  dispose(): void {
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.cancelRetry) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // A drain or flush that started meanwhile loops until the queue is empty.
      if (this.flushing || this.cancelRetry) return;
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = null;
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      try {
        await this.commitNext();
      } catch (error) {
        this.options.onError(error);
        const at = new Date(this.options.clock.now().getTime() + this.options.backoff.next());
        this.cancelRetry = this.options.clock.setTimer(at, () => {
          this.cancelRetry = null;
          this.schedule();
        });
        return;
      }
    }
  }

  private async commitNext(): Promise<void> {
    const batch = this.queue.slice(0, this.options.maxBatch);
    const result = await this.options.store.completeRuns(this.options.owner, batch);
    // Only now leave the queue: a failed call keeps the batch, in order, for the retry.
    this.queue.splice(0, batch.length);
    this.options.backoff.reset();
    this.options.onCommitted(batch, result);
  }
}
