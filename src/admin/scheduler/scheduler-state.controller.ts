import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { Scheduler } from '../../scheduler';
import { ApiProblems } from '../problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../swagger';

export class SchedulerStateDto {
  @ApiProperty({ description: 'Paused scheduler-wide: no replica takes due jobs', example: false })
  paused!: boolean;

  @ApiProperty({ description: "This replica's loop is running (started and not shut down)", example: true })
  running!: boolean;

  @ApiProperty({
    description: 'The replica that answered (its lease owner id)',
    example: 'host-1234-ab12cd34',
  })
  replica!: string;
}

/**
 * APScheduler's scheduler-wide pause()/resume(), across every replica: the flag is stored, so
 * while paused nothing fires anywhere; jobs keep their schedules, and runs missed meanwhile follow
 * each job's misfireGraceTime/coalesce when it resumes. Runs already in flight finish.
 */
@ApiTags('scheduler')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/scheduler')
export class SchedulerStateController {
  constructor(private readonly scheduler: Scheduler) {}

  @Get()
  @ApiOperation({ summary: 'Scheduler-wide state (paused or not)' })
  @ApiOkResponse({ type: SchedulerStateDto })
  @ApiProblems()
  state(): Promise<SchedulerStateDto> {
    return this.view();
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause the scheduler on every replica',
    description: 'Idempotent. No due job is taken anywhere until resumed; runs in flight finish.',
  })
  @ApiOkResponse({ type: SchedulerStateDto })
  @ApiProblems()
  async pause(): Promise<SchedulerStateDto> {
    await this.scheduler.pause();
    return this.view();
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume the scheduler on every replica',
    description: 'Idempotent. Runs missed while paused follow each job’s misfireGraceTime and coalesce.',
  })
  @ApiOkResponse({ type: SchedulerStateDto })
  @ApiProblems()
  async resume(): Promise<SchedulerStateDto> {
    await this.scheduler.resume();
    return this.view();
  }

  private async view(): Promise<SchedulerStateDto> {
    return {
      paused: await this.scheduler.isPausedEverywhere(),
      running: this.scheduler.running,
      replica: this.scheduler.owner,
    };
  }
}
