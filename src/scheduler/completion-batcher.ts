import { Backoff } from './backoff';
import type { Clock } from './ports/clock';
import type { CompleteResult, JobStore, RunCompletion } from './ports/job-store';

export interface CompletionBatcherOptions {
  store: JobStore;
  owner: string;
  clock: Clock;
  maxBatch: number;
  /**
   * Commits in flight at once (default 2). One transaction at a time leaves the database idle
   * between round trips; two keep it busy (measured ~1.2-1.6x on 2 cores). Batches hold
   * different jobs, so they touch different rows and commit in either order.
   */
  maxInFlight?: number;
  backoff: Backoff;
  onCommitted(batch: RunCompletion[], result: CompleteResult): void;
  onError(error: unknown): void;
}

interface Queued {
  seq: number;
  completion: RunCompletion;
}

/**
 * Group commit of run completions. A SQL store does one transaction per `completeRuns` call, so
 * completions are not written one by one: those finished in the same event-loop turn go together,
 * and while calls are in flight the next batch gathers. Under load batches grow by themselves,
 * with no timer adding latency when idle. A failed call is retried with back-off, its
 * completions back in the queue in their original order.
 */
export class CompletionBatcher {
  private readonly queue: Queued[] = [];
  private readonly inFlight = new Map<Queued[], Promise<void>>();
  private readonly maxInFlight: number;
  private seq = 0;
  private scheduled = false;
  private draining = false;
  private cancelRetry: (() => void) | null = null;

  constructor(private readonly options: CompletionBatcherOptions) {
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** Completions not yet committed (queued or in a commit in flight). */
  get pending(): number {
    let n = this.queue.length;
    for (const batch of this.inFlight.keys()) n += batch.length;
    return n;
  }

  add(completion: RunCompletion): void {
    this.queue.push({ seq: this.seq++, completion });
    this.schedule();
  }

  /** Commit everything queued now, one batch at a time; rejects with the store error if a call fails. */
  async drain(): Promise<void> {
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.draining = true;
    try {
      for (;;) {
        if (this.inFlight.size > 0) {
          await Promise.all(this.inFlight.values());
          continue;
        }
        const batch = this.take();
        if (batch.length === 0) return;
        await this.commit(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Stop retrying (shutdown); queued completions are dropped, their leases left to expire. */
  dispose(): void {
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.cancelRetry || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Start commits while slots are free and completions wait (not while backing off or draining). */
  private pump(): void {
    while (!this.cancelRetry && !this.draining && this.inFlight.size < this.maxInFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      const done = this.commit(batch).then(
        () => this.schedule(),
        (error: unknown) => this.retryLater(error),
      );
      // commit() has already registered the batch; keep the settled promise for drain().
      if (this.inFlight.has(batch)) this.inFlight.set(batch, done);
    }
  }

  /**
   * The head of the queue, up to maxBatch, stopping at a job already in a commit in flight: the
   * same job's completions then commit in order (possible only after its lease expired here).
   */
  private take(): Queued[] {
    const busy = new Set<string>();
    for (const batch of this.inFlight.keys()) for (const q of batch) busy.add(q.completion.jobId);
    let n = 0;
    while (n < this.queue.length && n < this.options.maxBatch && !busy.has(this.queue[n].completion.jobId))
      n++;
    return this.queue.splice(0, n);
  }

  private async commit(batch: Queued[]): Promise<void> {
    this.inFlight.set(batch, Promise.resolve());
    const completions = batch.map((q) => q.completion);
    let result: CompleteResult;
    try {
      result = await this.options.store.completeRuns(this.options.owner, completions);
    } catch (error) {
      this.inFlight.delete(batch);
      // Back in the queue, in order, for the retry (or for whoever drains next).
      this.queue.push(...batch);
      this.queue.sort((a, b) => a.seq - b.seq);
      throw error;
    }
    this.inFlight.delete(batch);
    this.options.backoff.reset();
    this.options.onCommitted(completions, result);
  }

  private retryLater(error: unknown): void {
    this.options.onError(error);
    if (this.cancelRetry || this.draining) return;
    const at = new Date(this.options.clock.now().getTime() + this.options.backoff.next());
    this.cancelRetry = this.options.clock.setTimer(at, () => {
      this.cancelRetry = null;
      this.schedule();
    });
  }
}
