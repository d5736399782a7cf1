import type { AddJobInput, JsonValue } from '../scheduler';
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
/**
 * `removed`: the job is gone (a run in flight on some replica still publishes: it was already
 * firing); `missing`: no such job (fired already, or never scheduled).
 */
export type CancelOutcome = 'removed' | 'missing' | 'duplicate';

/** The one-shot job of a schedule command: publish `target` at `runAt`, however late. */
export function publishJob(command: ScheduleCommand): AddJobInput {
  return {
    id: command.jobId,
    name: PUBLISH_ACTION,
    trigger: { type: 'date', runDate: command.runAt.toISOString() },
    action: { handler: PUBLISH_ACTION, args: command.target as unknown as JsonValue },
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    nextRunTime: command.runAt,
  };
}
