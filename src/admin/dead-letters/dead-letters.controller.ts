import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';

import {
  DeadLetterReplayer,
  type DeadLetterPage,
  type DeadLetterSummary,
  type ReplayResult,
} from '../../messaging/dead-letters/dead-letter-replayer';
import { ApiProblems } from '../problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../swagger';
import { ListDeadLettersQuery, ReplayDeadLettersDto } from './dead-letters.dto';

const TOPIC = ApiParam({
  name: 'topic',
  description: 'An inbound topic (its dead letters are on `<topic>.dlq`)',
});

/**
 * Inbound dead letters: what each `<topic>.dlq` holds (with the x-dlq-* error headers) and replay
 * of a range back to the source topic, each message at most once.
 */
@ApiTags('dead-letters')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly replayer: DeadLetterReplayer) {}

  @Get()
  @ApiOperation({
    summary: 'Dead-letter counts per inbound topic',
    description: 'count = messages the .dlq holds now; replayed = of those, republished.',
  })
  @ApiOkResponse({ description: '{ topics: [{ topic, dlqTopic, count, replayed }] }' })
  @ApiProblems()
  async summary(): Promise<{ topics: DeadLetterSummary[] }> {
    return { topics: await this.replayer.summary() };
  }

  @Get(':topic')
  @TOPIC
  @ApiOperation({
    summary: 'List the dead letters of an inbound topic',
    description:
      'Key, value (cut at 16 KiB), headers, the error (code, message, source topic/partition/offset) and whether it was replayed.',
  })
  @ApiOkResponse({
    description: '{ topic, dlqTopic, partitions: [{partition, low, high, count}], messages: [...] }',
  })
  @ApiProblems(404)
  list(@Param('topic') topic: string, @Query() q: ListDeadLettersQuery): Promise<DeadLetterPage> {
    return this.replayer.list(topic, {
      partition: q.partition,
      fromOffset: q.fromOffset,
      limit: q.limit ?? 50,
    });
  }

  @Post(':topic/replay')
  @HttpCode(200)
  @TOPIC
  @ApiOperation({
    summary: 'Republish a range of dead letters to their source topic',
    description:
      'Offsets [fromOffset, toOffset] of one .dlq partition, each at most once: a message already replayed is reported `already-replayed` and not sent again.',
  })
  @ApiOkResponse({ description: '{ replayed, results: [{ offset, outcome }] }' })
  @ApiProblems(404, 413, 422, 503)
  replay(@Param('topic') topic: string, @Body() body: ReplayDeadLettersDto): Promise<ReplayResult> {
    return this.replayer.replay(topic, body);
  }
}
