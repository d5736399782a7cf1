import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';

import { DeadRunConflictError, DeadRunLookupError, Scheduler } from '../../scheduler';
import { DeadRunDto, DeadRunPageDto } from '../dto/job.response';
import { ListDeadRunsQuery } from '../dto/query.dto';
import { toDeadRunDto } from '../jobs/job-view';
import { IdParamPipe } from '../http/id-param.pipe';
import { ApiProblems } from '../problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../swagger';

const ID = ApiParam({ name: 'id', description: 'The dead run id' });
const DEFAULT_PAGE = 100;

/** Runs whose attempts ran out: listed, redriven (a new set of attempts, now) or discarded. */
@ApiTags('dead-runs')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/dead-runs')
export class DeadRunsController {
  constructor(private readonly scheduler: Scheduler) {}

  @Get()
  @ApiOperation({ summary: 'List dead runs not yet redriven or discarded, oldest first' })
  @ApiOkResponse({ type: DeadRunPageDto })
  @ApiProblems()
  async list(@Query() q: ListDeadRunsQuery): Promise<DeadRunPageDto> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const runs = await this.scheduler.listDeadRuns({ jobId: q.jobId, after: q.cursor, limit: limit + 1 });
    const page = runs.slice(0, limit);
    return {
      items: page.map(toDeadRunDto),
      nextCursor: runs.length > limit ? page[page.length - 1].id : null,
    };
  }

  @Get(':id')
  @ID
  @ApiOperation({ summary: 'One dead run' })
  @ApiOkResponse({ type: DeadRunDto })
  @ApiProblems(404)
  async get(@Param('id', IdParamPipe) id: string): Promise<DeadRunDto> {
    const run = await this.scheduler.getDeadRun(id);
    if (!run || run.settledAs) throw new DeadRunLookupError(id);
    return toDeadRunDto(run);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ID
  @ApiOperation({
    summary: 'Redrive a dead run',
    description:
      'Its job gets a new set of attempts of the same scheduled run (same event ids), the first one now; a one-shot job that has ended is brought back for it.',
  })
  @ApiAcceptedResponse({ description: 'Accepted: the first new attempt is due now' })
  @ApiProblems(404, 409)
  async retry(@Param('id', IdParamPipe) id: string): Promise<{ id: string; status: 'redriven' }> {
    const result = await this.scheduler.redriveDeadRun(id);
    if (result === 'missing') throw new DeadRunLookupError(id);
    if (result !== 'redriven') throw new DeadRunConflictError(id, result);
    return { id, status: 'redriven' };
  }

  @Delete(':id')
  @HttpCode(204)
  @ID
  @ApiOperation({ summary: 'Discard a dead run (it is no longer listed)' })
  @ApiNoContentResponse({ description: 'Discarded' })
  @ApiProblems(404, 409)
  async discard(@Param('id', IdParamPipe) id: string): Promise<void> {
    const result = await this.scheduler.discardDeadRun(id);
    if (result === 'missing') throw new DeadRunLookupError(id);
    if (result === 'settled') throw new DeadRunConflictError(id, 'settled');
  }
}
