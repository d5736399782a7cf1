import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

import { CreateJobDto, RescheduleJobDto, UpdateJobDto } from '../dto/create-job.dto';
import {
  JobDetailDto,
  JobDto,
  JobPageDto,
  ResumeRemovedDto,
  RunNowDto,
  RunPageDto,
} from '../dto/job.response';
import { ListJobsQuery, RunHistoryQuery } from '../dto/query.dto';
import { IdParamPipe } from '../http/id-param.pipe';
import { ApiProblems } from '../problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../swagger';
import { TRIGGER_EXAMPLES } from '../triggers/trigger-examples';
import { AdminJobsService } from './admin-jobs.service';

const publishAction = {
  handler: 'publish',
  args: { topic: 'reports.daily', key: 'sales', value: { report: 'sales' }, headers: { source: 'admin' } },
};
const CREATE_EXAMPLES = Object.fromEntries(
  Object.entries(TRIGGER_EXAMPLES).map(([name, ex]) => [
    name,
    {
      summary: ex.summary,
      value: { id: `example-${name}`, name: ex.summary, trigger: ex.value, action: publishAction },
    },
  ]),
);
const RESCHEDULE_EXAMPLES = Object.fromEntries(
  Object.entries(TRIGGER_EXAMPLES).map(([name, ex]) => [
    name,
    { summary: ex.summary, value: { trigger: ex.value } },
  ]),
);
const ID = ApiParam({
  name: 'id',
  description:
    'The job id: 1 to 191 characters, no control characters, lone surrogates or edge whitespace (else 400)',
});

@ApiTags('jobs')
@ApiSecurity(API_KEY_SCHEME)
@ApiExtraModels(JobDto, ResumeRemovedDto)
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: AdminJobsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a job',
    description: 'Any trigger type; action = a registered handler and its args.',
  })
  @ApiBody({ type: CreateJobDto, examples: CREATE_EXAMPLES })
  @ApiCreatedResponse({ type: JobDto })
  @ApiProblems(409, 413, 422)
  create(@Body() body: CreateJobDto): Promise<JobDto> {
    return this.jobs.create(body);
  }

  @Get()
  @ApiOperation({
    summary: 'List jobs',
    description: 'Sorted by next run time (paused last), then id; cursor pagination.',
  })
  @ApiOkResponse({ type: JobPageDto })
  @ApiProblems()
  list(@Query() query: ListJobsQuery): Promise<JobPageDto> {
    return this.jobs.list(query);
  }

  @Get(':id')
  @ID
  @ApiOperation({ summary: 'Get a job, with its next run time and its last runs' })
  @ApiOkResponse({ type: JobDetailDto })
  @ApiProblems(404)
  get(@Param('id', IdParamPipe) id: string): Promise<JobDetailDto> {
    return this.jobs.get(id);
  }

  @Patch(':id')
  @ID
  @ApiOperation({ summary: 'Change name, options or action (the trigger changes through /reschedule)' })
  @ApiOkResponse({ type: JobDto })
  @ApiProblems(404, 413, 422)
  update(@Param('id', IdParamPipe) id: string, @Body() body: UpdateJobDto): Promise<JobDto> {
    return this.jobs.update(id, body);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @ID
  @ApiOperation({
    summary: 'Replace the trigger; the next run time is its first fire from now (none while paused)',
  })
  @ApiBody({ type: RescheduleJobDto, examples: RESCHEDULE_EXAMPLES })
  @ApiOkResponse({ type: JobDto })
  @ApiProblems(404, 413, 422)
  reschedule(@Param('id', IdParamPipe) id: string, @Body() body: RescheduleJobDto): Promise<JobDto> {
    return this.jobs.reschedule(id, body.trigger);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ID
  @ApiOperation({ summary: 'Pause: no runs until resumed' })
  @ApiOkResponse({ type: JobDto })
  @ApiProblems(404)
  pause(@Param('id', IdParamPipe) id: string): Promise<JobDto> {
    return this.jobs.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ID
  @ApiOperation({
    summary: 'Resume: next run time from now',
    description:
      'A job whose trigger has no more fire times is removed instead (APScheduler): {id, removed: true}.',
  })
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(JobDto) }, { $ref: getSchemaPath(ResumeRemovedDto) }] },
  })
  @ApiProblems(404)
  async resume(@Param('id', IdParamPipe) id: string): Promise<JobDto | ResumeRemovedDto> {
    return (await this.jobs.resume(id)) ?? { id, removed: true };
  }

  @Post(':id/run')
  @HttpCode(202)
  @ID
  @ApiOperation({ summary: 'Run once now, outside the schedule (the next run time is left alone)' })
  @ApiAcceptedResponse({ type: RunNowDto })
  @ApiProblems(404)
  runNow(@Param('id', IdParamPipe) id: string): Promise<RunNowDto> {
    return this.jobs.runNow(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ID
  @ApiOperation({ summary: 'Remove the job (a run in flight still finishes and is recorded)' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  async remove(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.jobs.remove(id);
  }

  @Get(':id/runs')
  @ID
  @ApiOperation({
    summary: 'Run history, newest first',
    description:
      'Kept after the job is deleted (finished one-shot jobs); 404 only with neither job nor history.',
  })
  @ApiOkResponse({ type: RunPageDto })
  @ApiProblems(404)
  async runs(@Param('id', IdParamPipe) id: string, @Query() query: RunHistoryQuery): Promise<RunPageDto> {
    return { items: await this.jobs.runs(id, query.limit ?? 50) };
  }
}
