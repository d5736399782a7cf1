import type { Job, JsonValue } from '../scheduler';
import { PUBLISH_ACTION, type PublishArgs } from '../messaging/publish-handler';

/** A validated `schedule` command with its run time resolved. */
export interface ScheduleCommand {
  eventId: string;
  jobId: string;
  runAt: Date;
  target: PublishArgs;
}

export interface CancelCommand {
  eventId: string;
  jobId: string;
}

/** `duplicate`: this eventId was applied before; `exists`: the job id is taken (one job stays). */
export type ScheduleOutcome = 'scheduled' | 'duplicate' | 'exists';
/** `busy`: the job is being fired right now, retry once its run committed (then it is `missing`). */
export type CancelOutcome = 'removed' | 'missing' | 'duplicate' | 'busy';

/** The one-shot job of a schedule command: publish `target` at `runAt`, however late. */
export function publishJob(command: ScheduleCommand): Job {
  return {
    id: command.jobId,
    name: PUBLISH_ACTION,
    trigger: { type: 'date', runDate: command.runAt.toISOString() },
    action: { handler: PUBLISH_ACTION, args: command.target as unknown as JsonValue },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    paused: false,
    nextRunTime: command.runAt,
  };
}

/**
 * Persistence of commands: each call applies the command and records its eventId atomically, so a
 * redelivered command changes nothing, even after its job fired or a later command reused the id.
 */
export interface CommandStore {
  schedule(commands: ScheduleCommand[]): Promise<ScheduleOutcome[]>;
  cancel(command: CancelCommand): Promise<CancelOutcome>;
}

export const COMMAND_STORE = Symbol('COMMAND_STORE');
