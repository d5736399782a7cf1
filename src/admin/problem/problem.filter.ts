import type { IncomingMessage } from 'node:http';

import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { requestIdOf } from '../../app/logging/request-context';
import { scrubSecrets } from '../../app/logging/secret-scrubber';

import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';
import { toProblem } from './problem-mapping';

/** Every error, from any route, leaves as application/problem+json (registered as APP_FILTER). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const res = host.switchToHttp().getResponse<FastifyReply>();
    const problem = toProblem(error);
    if (problem.status >= 500) this.logger.error(error instanceof Error ? error : String(error));
    if (res.sent || (res.raw as FastifyReply['raw'] | undefined)?.headersSent) return;
    const requestId = requestIdOf(rawOf(req));
    res
      .status(problem.status)
      .type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
      .send(JSON.stringify(scrubbed({ ...problem, instance: req.originalUrl.split('?')[0], requestId })));
  }
}

/**
 * The Node request under Fastify's, where pino-http put its id (Fastify's own `request.id` is
 * another); a bare Node request is its own.
 */
function rawOf(req: FastifyRequest): IncomingMessage {
  return (req.raw as IncomingMessage | undefined) ?? (req as unknown as IncomingMessage);
}

/** A detail, field message or the path may quote input or an error text: no secret leaves in a response. */
function scrubbed(problem: ProblemDetails): ProblemDetails {
  return {
    ...problem,
    detail: scrubSecrets(problem.detail),
    instance: problem.instance === undefined ? undefined : scrubSecrets(problem.instance),
    errors: problem.errors.map((e) => ({ field: e.field, message: scrubSecrets(e.message) })),
  };
}
