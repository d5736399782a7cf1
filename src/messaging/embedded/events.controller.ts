import { randomUUID } from 'node:crypto';

import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { ApiProblems } from '../../admin/problem/api-problems.decorator';
import { API_KEY_SCHEME } from '../../admin/swagger';
import { AppConfig } from '../../app/config/app-config';
import type { EventBus } from '../event-bus';
import { decodeRecord } from '../inbound/decode-record';
import { InboundRegistry } from '../inbound/inbound-registry';
import { MemoryEventBus } from '../memory/memory-event-bus';
import { EVENT_ID_HEADER } from '../publish-handler';
import { EVENT_BUS } from '../tokens';
import { scrubSecrets } from '../../app/logging/secret-scrubber';

function problem(
  res: FastifyReply,
  status: number,
  detail: string,
  errors: Array<{ field: string; reason: string }> = [],
): void {
  const title = status === 404 ? 'Not Found' : 'Bad Request';
  res
    .status(status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail: scrubSecrets(detail), errors }));
}

/**
 * Embedded mode only (no KAFKA_BROKERS): stands in for the broker so `npm start` alone can be tried.
 * POST injects an inbound event through the same pipeline a Kafka message takes; an invalid one is
 * refused here with a 400 naming the fields (rather than sent to the .dlq, which stays readable).
 * GET lists what was published on a topic (what the service emitted, dead letters included).
 */
@ApiTags('events (embedded mode)')
@ApiSecurity(API_KEY_SCHEME)
@ApiParam({
  name: 'topic',
  description: 'An inbound topic (POST) or any topic (GET)',
  example: 'orders.created',
})
@Controller('v1/events')
export class EmbeddedEventsController {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly registry: InboundRegistry,
    private readonly config: AppConfig,
  ) {}

  @Post(':topic')
  @ApiOperation({ summary: 'Inject one inbound event, as if it came from Kafka (embedded mode only)' })
  @ApiQuery({ name: 'key', required: false, description: 'Message key (default: orderId or jobId)' })
  @ApiBody({
    description: 'The message value (eventId is added when missing)',
    schema: { type: 'object' },
    examples: {
      orderCreated: {
        value: {
          orderId: 'order-1',
          createdAt: '2026-01-05T08:30:00.000Z',
          items: [{ skuId: 'sku-1', quantity: 2 }],
        },
      },
    },
  })
  @ApiAcceptedResponse({ description: '{ topic, key, eventId }: handed to the inbound pipeline' })
  @ApiProblems(404, 413)
  async inject(
    @Param('topic') topic: string,
    @Query('key') key: string | undefined,
    @Body() body: unknown,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const route = this.registry.get(topic);
    if (!route) {
      return problem(
        res,
        404,
        `no inbound topic '${topic}'; inbound topics: ${this.registry.topics().join(', ')}`,
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return problem(res, 400, 'the body must be a JSON object (the message value)');
    }
    // Convenience for hand-written events: an eventId is added when the body has none.
    const value: Record<string, unknown> = { eventId: randomUUID(), ...(body as Record<string, unknown>) };
    const eventId = String(value.eventId);
    const messageKey = key ?? stringOrNull(value.orderId) ?? stringOrNull(value.jobId);
    const bytes = Buffer.from(JSON.stringify(value), 'utf8');
    const headers = { [EVENT_ID_HEADER]: eventId };
    const check = await decodeRecord(
      { topic, partition: 0, offset: '0', key: messageKey, value: bytes, headers },
      route.dto,
      this.config.inbound.maxMessageBytes,
    );
    if (!check.ok) {
      return problem(
        res,
        400,
        check.error,
        check.fields.map((field) => ({ field, reason: check.code })),
      );
    }
    await this.bus.publish([{ topic, key: messageKey, value: bytes, headers }]);
    res
      .status(HttpStatus.ACCEPTED)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ topic, key: messageKey, eventId }));
  }

  @Get(':topic')
  @ApiOperation({ summary: 'The most recent messages published on a topic (embedded mode only)' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, default: 100 } })
  @ApiOkResponse({ description: '{ topic, messages: [{ offset, timestamp, key, value, headers }] }' })
  @ApiProblems()
  list(@Param('topic') topic: string, @Query('limit') limit?: string): unknown {
    const n = Math.min(Math.max(Number(limit) || 100, 1), this.config.runtime.embeddedEventsRetained);
    const bus = this.bus as MemoryEventBus;
    return {
      topic,
      messages: bus.recent(topic, n).map((m) => ({
        offset: m.offset,
        timestamp: m.timestamp.toISOString(),
        key: m.key,
        value: parseOrText(m.value),
        headers: m.headers,
      })),
    };
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function parseOrText(value: Buffer | null): unknown {
  if (value === null) return null;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
