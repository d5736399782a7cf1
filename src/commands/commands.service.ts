import type { InboundMessage } from '../messaging/inbound/inbound-message';
import { PermanentMessageError } from '../messaging/errors';
import { PUBLISH_ACTION, parsePublishArgs } from '../messaging/publish-handler';
import { HTTP_ACTION } from '../http-target/http-target-handler';
import {
  type ActionSpec,
  type Clock,
  type JsonValue,
  type RetryPolicyInput,
  resolveRetryPolicy,
  type Scheduler,
  SchedulerError,
  type SchedulerTransaction,
} from '../scheduler';
import {
  commandJob,
  type CancelCommand,
  type CancelOutcome,
  type ScheduleCommand,
  type ScheduleOutcome,
} from './command-model';
import type { SchedulerCommandDto } from './dto/scheduler-command.dto';
import type { ProcessedCommands } from './processed-commands';

export interface CommandsStats {
  schedule: Record<ScheduleOutcome, number>;
  cancel: Record<CancelOutcome, number>;
}

/** Commands per unit of work: one insert of their eventIds and one of their jobs. */
const SCHEDULE_CHUNK = 1000;

/**
 * `scheduler.commands`: generic delayed publishes, the same code in every mode. Each command is
 * applied and its eventId recorded in one unit of work, so a redelivered command changes nothing,
 * even after its job fired or a later command reused the id. Commands apply in offset order;
 * consecutive schedules go as one bulk write, a cancel waits for those before it.
 */
export class CommandsService {
  readonly stats: CommandsStats = {
    schedule: { scheduled: 0, duplicate: 0, exists: 0 },
    cancel: { removed: 0, missing: 0, duplicate: 0 },
  };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly processed: ProcessedCommands,
    private readonly clock: Clock,
  ) {}

  async handleBatch(messages: InboundMessage<SchedulerCommandDto>[]): Promise<void> {
    let schedules: ScheduleCommand[] = [];
    const flush = async (): Promise<void> => {
      for (let i = 0; i < schedules.length; i += SCHEDULE_CHUNK) {
        const chunk = schedules.slice(i, i + SCHEDULE_CHUNK);
        const outcomes = await this.scheduler.transaction((tx) => this.schedule(tx, chunk));
        for (const outcome of outcomes) this.stats.schedule[outcome]++;
      }
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
      const outcome = await this.scheduler.transaction((tx) => this.cancel(tx, cancel));
      this.stats.cancel[outcome]++;
    }
    await flush();
  }

  private async schedule(tx: SchedulerTransaction, commands: ScheduleCommand[]): Promise<ScheduleOutcome[]> {
    const applied = await this.processed.applied(
      tx.store,
      commands.map((c) => c.eventId),
    );
    const outcomes: ScheduleOutcome[] = [];
    const fresh: ScheduleCommand[] = [];
    const firstOfJob = new Set<string>();
    const recorded: ScheduleCommand[] = [];
    for (const command of commands) {
      if (applied.has(command.eventId)) {
        outcomes.push('duplicate');
        continue;
      }
      applied.add(command.eventId);
      recorded.push(command);
      if (firstOfJob.has(command.jobId)) {
        outcomes.push('exists');
        continue;
      }
      firstOfJob.add(command.jobId);
      fresh.push(command);
      outcomes.push('scheduled');
    }
    await this.processed.record(
      tx.store,
      recorded.map((c) => ({ eventId: c.eventId, type: 'schedule', jobId: c.jobId })),
      this.clock.now(),
    );
    if (fresh.length === 0) return outcomes;
    const taken = new Set((await tx.addJobs(fresh.map(commandJob))).duplicates);
    return outcomes.map((outcome, i) =>
      outcome === 'scheduled' && taken.has(commands[i].jobId) ? 'exists' : outcome,
    );
  }

  /** Removes the job whatever its lease: a replica that died holding it will not publish it later. */
  private async cancel(tx: SchedulerTransaction, command: CancelCommand): Promise<CancelOutcome> {
    if ((await this.processed.applied(tx.store, [command.eventId])).size > 0) return 'duplicate';
    await this.processed.record(
      tx.store,
      [{ eventId: command.eventId, type: 'cancel', jobId: command.jobId }],
      this.clock.now(),
    );
    return (await tx.removeJob(command.jobId)) === 'removed' ? 'removed' : 'missing';
  }

  /**
   * Checked here, before any unit of work: a command the engine would refuse (bad http args, a
   * forbidden address, http targets off, a bad retry policy) goes to the DLQ instead of failing
   * its whole batch again and again.
   */
  private toSchedule(message: InboundMessage<SchedulerCommandDto>): ScheduleCommand {
    const { jobId, runAt, delaySeconds, target, http, retry } = message.value;
    // The DTO guarantees exactly one of runAt / delaySeconds; delays count from now (business clock).
    const at =
      runAt !== undefined && runAt !== null
        ? new Date(runAt)
        : new Date(this.clock.now().getTime() + (delaySeconds ?? 0) * 1000);
    const reject = (reason: string): never => {
      throw new PermanentMessageError(reason, message.eventId, 'VALIDATION_FAILED');
    };
    if (target !== undefined && http !== undefined) reject('give target or http, not both');
    const action: ActionSpec =
      http !== undefined
        ? { handler: HTTP_ACTION, args: http as JsonValue }
        : { handler: PUBLISH_ACTION, args: parsePublishArgs(target) as unknown as JsonValue };
    try {
      this.scheduler.checkAction(action);
      if (retry !== undefined) resolveRetryPolicy(retry);
    } catch (error) {
      if (error instanceof SchedulerError) reject(error.message);
      throw error;
    }
    return {
      eventId: message.eventId,
      jobId,
      runAt: at,
      action,
      ...(retry !== undefined ? { retry: retry as RetryPolicyInput } : {}),
    };
  }
}
