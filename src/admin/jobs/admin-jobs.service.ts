import { Injectable } from '@nestjs/common';

import { PUBLISH_ACTION, parsePublishArgs } from '../../messaging/publish-handler';
import { PublishArgsError } from '../../messaging/errors';
import {
  type AddJobInput,
  type Job,
  type JobChanges,
  JobLookupError,
  Scheduler,
  ValidationError,
} from '../../scheduler';
import { type CreateJobDto, type UpdateJobDto } from '../dto/create-job.dto';
import type { JobDetailDto, JobDto, JobPageDto, RunDto, RunNowDto } from '../dto/job.response';
import type { ListJobsQuery } from '../dto/query.dto';
import { parseTriggerInput } from '../triggers/trigger-input';
import { cursorToKey, decodeCursor, encodeCursor } from './cursor';
import { toJobDto, toRunDto } from './job-view';

const LAST_RUNS = 10;
const DEFAULT_PAGE = 100;

/** An ISO 8601 instant from the wire (checked by the DTO) as a Date; null and absent kept. */
function instant(value: string | null | undefined): Date | null | undefined {
  return typeof value === 'string' ? new Date(value) : value;
}

/**
 * The admin API's use of the engine: DTOs in, engine calls with its semantics unchanged, views
 * out. Engine errors pass through to the problem filter.
 */
@Injectable()
export class AdminJobsService {
  constructor(private readonly scheduler: Scheduler) {}

  async create(dto: CreateJobDto): Promise<JobDto> {
    const { spec } = parseTriggerInput(dto.trigger);
    if (dto.action.handler === PUBLISH_ACTION) checkPublishArgs(dto.action.args);
    const input: AddJobInput = {
      id: dto.id,
      name: dto.name,
      trigger: spec,
      action: {
        handler: dto.action.handler,
        ...(dto.action.args !== undefined ? { args: dto.action.args } : {}),
      },
      misfireGraceTime: dto.misfireGraceTime,
      coalesce: dto.coalesce,
      maxInstances: dto.maxInstances,
      paused: dto.paused,
      replaceExisting: dto.replaceExisting,
      retry: dto.retry,
      // APScheduler's names: the engine renames them, refusing both spellings of one option.
      misfire_grace_time: dto.misfire_grace_time,
      max_instances: dto.max_instances,
      replace_existing: dto.replace_existing,
      nextRunTime: instant(dto.nextRunTime),
      next_run_time: instant(dto.next_run_time),
    };
    return toJobDto(await this.scheduler.addJob(input));
  }

  /** One keyset page read by the store (never every job); one extra row says whether more follow. */
  async list(query: ListJobsQuery): Promise<JobPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const jobs = await this.scheduler.listJobs({
      state: query.state,
      triggerType: query.triggerType,
      namePrefix: query.namePrefix,
      after: query.cursor === undefined ? undefined : cursorToKey(decodeCursor(query.cursor)),
      limit: limit + 1,
    });
    const page = jobs.slice(0, limit);
    const more = jobs.length > limit;
    return { items: page.map(toJobDto), nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
  }

  async get(id: string): Promise<JobDetailDto> {
    const job = await this.require(id);
    const runs = await this.scheduler.getRunHistory(id, LAST_RUNS);
    return { ...toJobDto(job), lastRuns: runs.map(toRunDto) };
  }

  async update(id: string, dto: UpdateJobDto): Promise<JobDto> {
    if (dto.action?.handler === PUBLISH_ACTION) checkPublishArgs(dto.action.args);
    const changes: JobChanges = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.action !== undefined)
      changes.action = {
        handler: dto.action.handler,
        ...(dto.action.args !== undefined ? { args: dto.action.args } : {}),
      };
    if (dto.misfireGraceTime !== undefined) changes.misfireGraceTime = dto.misfireGraceTime;
    if (dto.coalesce !== undefined) changes.coalesce = dto.coalesce;
    if (dto.maxInstances !== undefined) changes.maxInstances = dto.maxInstances;
    if (dto.retry !== undefined) changes.retry = dto.retry;
    if (dto.misfire_grace_time !== undefined) changes.misfire_grace_time = dto.misfire_grace_time;
    if (dto.max_instances !== undefined) changes.max_instances = dto.max_instances;
    if (dto.nextRunTime !== undefined) changes.nextRunTime = instant(dto.nextRunTime);
    if (dto.next_run_time !== undefined) changes.next_run_time = instant(dto.next_run_time);
    return toJobDto(await this.scheduler.modifyJob(id, changes));
  }

  async reschedule(id: string, trigger: unknown): Promise<JobDto> {
    const { spec } = parseTriggerInput(trigger);
    return toJobDto(await this.scheduler.rescheduleJob(id, spec));
  }

  async pause(id: string): Promise<JobDto> {
    return toJobDto(await this.scheduler.pauseJob(id));
  }

  /** Null when the trigger had no more fire times and the engine removed the job. */
  async resume(id: string): Promise<JobDto | null> {
    const job = await this.scheduler.resumeJob(id);
    return job ? toJobDto(job) : null;
  }

  async runNow(id: string): Promise<RunNowDto> {
    const result = await this.scheduler.runJobNow(id);
    return { jobId: id, scheduledAt: result.scheduledAt.toISOString(), outcome: result.outcome };
  }

  async remove(id: string): Promise<void> {
    await this.scheduler.removeJob(id);
  }

  /**
   * A job's run history, newest first. History outlives the job (a one-shot job is deleted when it
   * has run), so it is served for a removed job too; 404 only when there is neither job nor history.
   */
  async runs(id: string, limit: number): Promise<RunDto[]> {
    const runs = await this.scheduler.getRunHistory(id, limit);
    if (runs.length === 0) await this.require(id);
    return runs.map(toRunDto);
  }

  private async require(id: string): Promise<Job> {
    const job = await this.scheduler.getJob(id);
    if (!job) throw new JobLookupError(id);
    return job;
  }
}

/** The publish action's args are checked when the job is stored, not at its first fire. */
function checkPublishArgs(args: unknown): void {
  try {
    parsePublishArgs(args);
  } catch (error) {
    if (!(error instanceof PublishArgsError)) throw error;
    const field = error.field === 'args' ? 'action.args' : `action.args.${error.field}`;
    throw new ValidationError(field, error.reason);
  }
}
