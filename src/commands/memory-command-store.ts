import type { Clock, JobStore } from '../scheduler';
import {
  publishJob,
  type CancelCommand,
  type CancelOutcome,
  type CommandStore,
  type ScheduleCommand,
  type ScheduleOutcome,
} from './command-model';

/**
 * Embedded-mode CommandStore over any JobStore. `schedule` is one synchronous step against the
 * memory store; `cancel` removes a job only under a lease it took, so never one being fired.
 * Applied eventIds are kept for the life of the process (embedded mode keeps nothing longer).
 */
export class MemoryCommandStore implements CommandStore {
  private readonly applied = new Set<string>();

  constructor(
    private readonly jobs: JobStore,
    private readonly clock: Clock,
    private readonly owner = 'scheduler.commands',
  ) {}

  schedule(commands: ScheduleCommand[]): Promise<ScheduleOutcome[]> {
    const outcomes: ScheduleOutcome[] = [];
    const fresh: ScheduleCommand[] = [];
    const jobIds = new Set<string>();
    for (const command of commands) {
      if (this.applied.has(command.eventId)) {
        outcomes.push('duplicate');
        continue;
      }
      this.applied.add(command.eventId);
      if (jobIds.has(command.jobId)) {
        outcomes.push('exists');
        continue;
      }
      jobIds.add(command.jobId);
      fresh.push(command);
      outcomes.push('scheduled');
    }
    // Synchronous inside the memory store: nothing interleaves with the checks above.
    return this.jobs.addJobs(fresh.map(publishJob)).then(({ duplicates }) => {
      const taken = new Set(duplicates);
      return outcomes.map((outcome, i) =>
        outcome === 'scheduled' && taken.has(commands[i].jobId) ? 'exists' : outcome,
      );
    });
  }

  async cancel(command: CancelCommand): Promise<CancelOutcome> {
    if (this.applied.has(command.eventId)) return 'duplicate';
    const now = this.clock.now();
    const leased = await this.jobs.acquireJob({
      owner: this.owner,
      jobId: command.jobId,
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
    });
    if (!leased && (await this.jobs.getJob(command.jobId))) return 'busy';
    if (this.applied.has(command.eventId)) return 'duplicate';
    this.applied.add(command.eventId);
    if (!leased) return 'missing';
    await this.jobs.removeJob(command.jobId);
    return 'removed';
  }
}
