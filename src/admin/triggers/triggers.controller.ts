import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { CLOCK } from '../../app/scheduler/tokens';
import type { Clock } from '../../scheduler';
import { previewFireTimes, triggerZone } from '../../scheduler/triggers';
import { PreviewResponseDto, PreviewTriggerDto } from '../dto/preview.dto';
import { ApiProblems } from '../problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../swagger';
import { TRIGGER_EXAMPLES } from './trigger-examples';
import { parseTriggerInput } from './trigger-input';

const PREVIEW_EXAMPLES = Object.fromEntries(
  Object.entries(TRIGGER_EXAMPLES).map(([name, ex]) => [
    name,
    { summary: ex.summary, value: { trigger: ex.value, count: 5, now: '2026-03-27T00:00:00Z' } },
  ]),
);

@ApiTags('triggers')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/triggers')
export class TriggersController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Next fire times of a trigger',
    description:
      'Each as UTC, local time in the trigger zone, and the UTC offset then. camelCase or APScheduler snake_case.',
  })
  @ApiBody({ type: PreviewTriggerDto, examples: PREVIEW_EXAMPLES })
  @ApiOkResponse({ type: PreviewResponseDto })
  @ApiProblems(413, 422)
  preview(@Body() body: PreviewTriggerDto): PreviewResponseDto {
    const { spec, trigger } = parseTriggerInput(body.trigger);
    const now = body.now === undefined ? this.clock.now() : new Date(body.now);
    const timezone = triggerZone(spec);
    return { timezone, fireTimes: previewFireTimes(trigger, now, body.count ?? 10, timezone) };
  }
}
