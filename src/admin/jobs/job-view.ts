import type { DeadRun, Job, RunHistoryEntry } from '../../scheduler';
import type { DeadRunDto, JobDto, RunDto } from '../dto/job.response';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toJobDto(job: Job): JobDto {
  return {
    id: job.id,
    name: job.name,
    state: job.paused ? 'paused' : 'scheduled',
    triggerType: job.trigger.type,
    trigger: job.trigger,
    action: { handler: job.action.handler, args: job.action.args },
    misfireGraceTime: job.misfireGraceTime,
    coalesce: job.coalesce,
    maxInstances: job.maxInstances,
    paused: job.paused,
    nextRunTime: iso(job.nextRunTime),
    retry: job.retry ?? null,
    pendingRetries: (job.retryState?.runs ?? []).map((r) => ({
      scheduledAt: r.scheduledAt.toISOString(),
      attempt: r.attempt,
      dueAt: r.dueAt.toISOString(),
    })),
  };
}

export function toDeadRunDto(run: DeadRun): DeadRunDto {
  return {
    id: run.id,
    jobId: run.jobId,
    scheduledAt: run.scheduledAt.toISOString(),
    attempts: run.attempts,
    lastError: run.lastError,
    handler: run.handler,
    deadAt: run.deadAt.toISOString(),
    action: { handler: run.job.action.handler, args: run.job.action.args },
  };
}

export function toRunDto(run: RunHistoryEntry): RunDto {
  return {
    scheduledAt: run.scheduledAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    outcome: run.outcome,
    error: run.error,
    owner: run.owner,
    attempt: run.attempt ?? 1,
  };
}
