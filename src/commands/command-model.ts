import type { ActionSpec, AddJobInput, RetryPolicyInput } from '../scheduler';

/** A validated `schedule` command with its run time resolved: a publish or an http action. */
export interface ScheduleCommand {
  eventId: string;
  jobId: string;
  runAt: Date;
  action: ActionSpec;
  retry?: RetryPolicyInput;
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

/** The one-shot job of a schedule command: its action at `runAt`, however late. */
export function commandJob(command: ScheduleCommand): AddJobInput {
  return {
    id: command.jobId,
    name: command.action.handler,
    trigger: { type: 'date', runDate: command.runAt.toISOString() },
    action: command.action,
    ...(command.retry ? { retry: command.retry } : {}),
    misfireGraceTime: null,
    coalesce: true,
    maxInstances: 1,
    nextRunTime: command.runAt,
  };
}
