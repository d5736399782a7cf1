import { ConflictingIdError, StoreUnavailableError } from './errors';
import type { Job } from './job';
import type { JobStore } from './ports/job-store';

export interface AddBatcherOptions {
  store: Pick<JobStore, 'addJob' | 'addJobs'>;
  /** Most jobs per store call (one multi-row insert and one commit). */
  maxBatch: number;
  /** Store calls in flight at once. Default 2: the next batch gathers while one commits. */
  maxInFlight?: number;
}

interface Waiting {
  job: Job;
  resolve(outcome: 'added' | 'duplicate'): void;
  reject(error: unknown): void;
}

/**
 * Group commit of single adds (Scheduler.addJob). Each add alone would be its own transaction and
 * commit (fsync); instead, adds made while store calls are in flight wait and go together in one
 * `addJobs` call. When nothing is in flight an add goes at once, alone, through `addJob`: no timer,
 * no latency added when idle. Every caller gets its own outcome: a duplicate id is that caller's
 * alone (of two adds of one id in flight together, one wins, as if they had come one by one). If a batch
 * fails for another reason, its adds are tried one by one, so a failure is reported only to the
 * callers it belongs to; a store that is down fails the whole batch at once.
 */
export class AddBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;

  constructor(private readonly options: AddBatcherOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Resolves 'added', or 'duplicate' when the id is taken (the job stored is left as it is). */
  add(job: Job): Promise<'added' | 'duplicate'> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      // Adds made in the same turn (a caller's loop of addJob) go together from the first.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // Shared among the free slots, so store calls overlap instead of one carrying everything.
      const share = Math.ceil(this.queue.length / (this.maxInFlight - this.inFlight));
      const batch = this.queue.slice(0, Math.min(this.options.maxBatch, share));
      this.queue = this.queue.slice(batch.length);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.writeOne(batch[0]);
    let result: { added: string[] };
    try {
      result = await this.options.store.addJobs(batch.map((w) => w.job));
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        for (const w of batch) w.reject(error);
        return;
      }
      // Which add caused it is unknown: each alone tells.
      await Promise.all(batch.map((w) => this.writeOne(w)));
      return;
    }
    const added = new Set(result.added);
    for (const w of batch) {
      // The first add of an id in the batch is the one stored; later ones are duplicates.
      if (added.delete(w.job.id)) w.resolve('added');
      else w.resolve('duplicate');
    }
  }

  private async writeOne(w: Waiting): Promise<void> {
    try {
      await this.options.store.addJob(w.job);
      w.resolve('added');
    } catch (error) {
      if (error instanceof ConflictingIdError) w.resolve('duplicate');
      else w.reject(error);
    }
  }
}
