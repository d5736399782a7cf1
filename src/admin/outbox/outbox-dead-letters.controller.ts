import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';

import { JOB_STORE } from '../../app/scheduler/tokens';
import type { DeadLetteredEvent, OutboxStore } from '../../scheduler';
import { SCHEDULER_JOB_ID_HEADER } from '../../messaging/publish-handler';
import { ApiProblems } from '../problem/api-problems.decorator';
import { RequestValidationError } from '../problem/request-errors';
import { API_KEY_SCHEME } from '../swagger';
import {
  OutboxDeadLetterPageDto,
  OutboxDeadLettersQuery,
  type OutboxDeadLetterDto,
} from './outbox-dead-letters.dto';

/** Outbox events the relay gave up on (their topic refused them for too long); read only. */
@ApiTags('outbox')
@ApiSecurity(API_KEY_SCHEME)
@Controller('v1/outbox')
export class OutboxDeadLettersController {
  constructor(@Inject(JOB_STORE) private readonly store: OutboxStore) {}

  @Get('dead-letters')
  @ApiOperation({
    summary: 'List dead-lettered outbox events',
    description:
      'Events that could not be published (unknown topic, too large, not authorized) for longer than ' +
      'OUTBOX_DEAD_LETTER_AFTER_MS, newest first; each was also announced on scheduler.dead-letter. ' +
      'Kept as long as sent events (OUTBOX_RETENTION_HOURS).',
  })
  @ApiOkResponse({ type: OutboxDeadLetterPageDto })
  @ApiProblems()
  async list(@Query() query: OutboxDeadLettersQuery): Promise<OutboxDeadLetterPageDto> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.store.listDeadLetters({ limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDto),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}

function toDto(e: DeadLetteredEvent): OutboxDeadLetterDto {
  return {
    eventId: e.eventId,
    topic: e.topic,
    key: e.key,
    attempts: e.attempts,
    lastError: e.lastError,
    jobId: e.headers[SCHEDULER_JOB_ID_HEADER] ?? null,
    createdAt: e.createdAt.toISOString(),
    deadAt: e.deadAt.toISOString(),
  };
}

function encodeCursor(e: DeadLetteredEvent): string {
  return Buffer.from(JSON.stringify({ t: e.deadAt.getTime(), id: e.id }), 'utf8').toString('base64url');
}

/** @throws RequestValidationError (field `cursor`) for anything this API did not issue. */
function decodeCursor(text: string): { deadAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const c = parsed as { t?: unknown; id?: unknown } | null;
  const valid =
    typeof c === 'object' &&
    c !== null &&
    typeof c.t === 'number' &&
    Number.isInteger(c.t) &&
    c.t >= 0 &&
    c.t <= Date.parse('9999-12-31T23:59:59.999Z') &&
    typeof c.id === 'string' &&
    /^[0-9]{1,20}$/.test(c.id);
  if (!valid) throw RequestValidationError.of('cursor', 'is not a cursor this API issued');
  return { deadAt: new Date(c.t as number), id: c.id as string };
}
