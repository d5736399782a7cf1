import type { Job, RunHistoryEntry } from '../../scheduler';
import type { JobDto, RunDto } from '../dto/job.response';

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
  };
}
