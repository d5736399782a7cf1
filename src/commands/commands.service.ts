import type { InboundMessage } from '../messaging/inbound/inbound-message';
import { parsePublishArgs } from '../messaging/publish-handler';
import type { Clock } from '../scheduler';
import { DEFAULT_BUSY_RETRY, settleWhileBusy, type BusyRetryOptions } from '../orders/busy-retry';
import type { CancelOutcome, CommandStore, ScheduleCommand, ScheduleOutcome } from './command-model';
import type { SchedulerCommandDto } from './dto/scheduler-command.dto';
import { CommandJobBusyError } from './errors';

export interface CommandsStats {
  schedule: Record<ScheduleOutcome, number>;
  cancel: Record<CancelOutcome, number>;
}

/**
 * `scheduler.commands`: generic delayed publishes. Commands apply in offset order; consecutive
 * schedules go to the store as one bulk write, a cancel waits for those before it.
 */
export class CommandsService {
  readonly stats: CommandsStats = {
    schedule: { scheduled: 0, duplicate: 0, exists: 0 },
    cancel: { removed: 0, missing: 0, duplicate: 0, busy: 0 },
  };

  constructor(
    private readonly store: CommandStore,
    private readonly clock: Clock,
    private readonly busyRetry: BusyRetryOptions = DEFAULT_BUSY_RETRY,
  ) {}

  async handleBatch(messages: InboundMessage<SchedulerCommandDto>[]): Promise<void> {
    let schedules: ScheduleCommand[] = [];
    const flush = async (): Promise<void> => {
      if (schedules.length === 0) return;
      const outcomes = await this.store.schedule(schedules);
      for (const outcome of outcomes) this.stats.schedule[outcome]++;
      schedules = [];
    };
    for (const message of messages) {
      const command = message.value;
      if (command.type === 'schedule') {
        schedules.push(this.toSchedule(message));
        continue;
      }
      await flush();
      const cancel = { eventId: message.eventId, jobId: command.jobId };
      const busy = await settleWhileBusy(
        [cancel],
        async (c) => {
          const outcome = await this.store.cancel(c);
          this.stats.cancel[outcome]++;
          return outcome === 'busy' ? 'busy' : 'done';
        },
        this.busyRetry,
      );
      if (busy.length > 0) throw new CommandJobBusyError(command.jobId);
    }
    await flush();
  }

  private toSchedule(message: InboundMessage<SchedulerCommandDto>): ScheduleCommand {
    const { jobId, runAt, delaySeconds, target } = message.value;
    // The DTO guarantees exactly one of runAt / delaySeconds; delays count from now (business clock).
    const at =
      runAt !== undefined && runAt !== null
        ? new Date(runAt)
        : new Date(this.clock.now().getTime() + (delaySeconds ?? 0) * 1000);
    return { eventId: message.eventId, jobId, runAt: at, target: parsePublishArgs(target) };
  }
}
