import { StoreUnavailableError } from '../../../src/scheduler/errors';
import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import type { AcquireRequest, CompleteResult, RunCompletion } from '../../../src/scheduler/ports/job-store';
import type { Job } from '../../../src/scheduler/job';

/** A memory store whose loop-facing calls fail while `down` is set (a lost database connection). */
export class FlakyStore extends MemoryJobStore {
  down = false;
  failedCalls = 0;
  completeCalls = 0;

  private check(): void {
    if (this.down) {
      this.failedCalls++;
      throw new StoreUnavailableError('connection lost');
    }
  }

  override async acquireDueJobs(request: AcquireRequest): Promise<Job[]> {
    this.check();
    return super.acquireDueJobs(request);
  }

  override async getNextRunTime(): Promise<Date | null> {
    this.check();
    return super.getNextRunTime();
  }

  override async completeRuns(owner: string, completions: RunCompletion[]): Promise<CompleteResult> {
    this.check();
    this.completeCalls++;
    return super.completeRuns(owner, completions);
  }

  override async extendLeases(owner: string, jobIds: string[], leaseUntil: Date): Promise<void> {
    this.check();
    return super.extendLeases(owner, jobIds, leaseUntil);
  }
}
