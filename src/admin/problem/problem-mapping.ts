import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';

import {
  ConflictingIdError,
  JobLookupError,
  DeadRunConflictError,
  DeadRunLookupError,
  SchedulerError,
  SchedulerNotRunningError,
  StoreUnavailableError,
  UnknownHandlerError,
  ValidationError,
} from '../../scheduler';
import { TriggerMaxIterationsError } from '../../scheduler/triggers';
import { PublishError, TopicReadError, UnknownDeadLetterTopicError } from '../../messaging/errors';
import { RequestBodyError } from '../http/request-body-error';
import { problemType, type FieldProblem, type ProblemDetails } from './problem-details';
import { RequestValidationError } from './request-errors';

type Problem = Omit<ProblemDetails, 'instance' | 'requestId'>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function problem(status: number, code: string, detail: string, errors: FieldProblem[] = []): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code, errors };
}

/** Errors that carry a field and a reason under a stable code (e.g. messaging's PublishArgsError). */
function isFieldError(
  error: unknown,
): error is { code: string; field: string; reason: string; message: string } {
  const e = error as { code?: unknown; field?: unknown; reason?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.field === 'string' &&
    typeof e.reason === 'string'
  );
}

/** body-parser's own errors (bad JSON, too large, bad charset) carry `type` and `status`. */
function bodyParserError(error: unknown): Problem | undefined {
  const e = error as { type?: unknown; status?: unknown; limit?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.status !== 'number')
    return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return problem(
        413,
        'PAYLOAD_TOO_LARGE',
        `the request body exceeds the limit of ${String(e.limit)} bytes`,
      );
    case 'entity.parse.failed':
      return problem(400, 'MALFORMED_JSON', 'the request body is not valid JSON', [
        { field: 'body', message: 'must be valid JSON' },
      ]);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return problem(415, 'UNSUPPORTED_ENCODING', 'the request body encoding or charset is not supported');
    default:
      return e.status >= 400 && e.status < 500 ? problem(e.status, 'BAD_REQUEST_BODY', e.type) : undefined;
  }
}

/**
 * Maps any thrown value to a problem. Input errors become 4xx naming the field; only what is
 * genuinely the service's fault (an unexpected exception) is a 500.
 * 400: the request's shape (class-validator, bad JSON, bad cursor); 422: well-formed but the
 * engine refuses the values (trigger fields, zones, unknown handler).
 */
export function toProblem(error: unknown): Problem {
  if (error instanceof RequestValidationError)
    return problem(400, error.code, 'the request is invalid', error.errors);
  if (error instanceof RequestBodyError)
    return problem(error.status, error.code, error.message, [{ field: error.field, message: error.message }]);
  if (error instanceof ValidationError)
    return problem(422, error.code, error.message, [{ field: error.field, message: error.reason }]);
  if (error instanceof UnknownHandlerError)
    return problem(422, error.code, error.message, [{ field: 'action.handler', message: error.message }]);
  if (error instanceof TriggerMaxIterationsError)
    return problem(422, error.code, error.message, [{ field: 'trigger', message: error.message }]);
  if (error instanceof ConflictingIdError)
    return problem(409, error.code, `${error.message}; send replaceExisting: true to replace it`, [
      { field: 'id', message: 'already exists' },
    ]);
  if (error instanceof JobLookupError || error instanceof DeadRunLookupError)
    return problem(404, error.code, error.message);
  if (error instanceof DeadRunConflictError) return problem(409, error.code, error.message);
  if (error instanceof SchedulerNotRunningError || error instanceof StoreUnavailableError)
    return problem(503, error.code, 'the scheduler cannot serve this request right now; retry later');
  if (error instanceof SchedulerError) return problem(500, error.code, 'internal error');
  if (error instanceof UnknownDeadLetterTopicError) return problem(404, error.code, error.message);
  if (error instanceof TopicReadError || error instanceof PublishError)
    return problem(503, error.code, 'the broker cannot serve this request right now; retry later');
  if (isFieldError(error))
    return problem(422, error.code, error.message, [{ field: error.field, message: error.reason }]);
  const fromBody = bodyParserError(error);
  if (fromBody) return fromBody;
  if (error instanceof ThrottlerException)
    return problem(429, 'RATE_LIMITED', 'too many admin requests; retry after the Retry-After delay');
  if (error instanceof HttpException) return fromHttpException(error);
  const client = clientError(error);
  if (client) return client;
  return problem(500, 'INTERNAL', 'internal error');
}

/**
 * A refusal raised by the HTTP server or one of its plugins rather than by Nest (Fastify's errors,
 * @fastify/static's 403 for a path with `..`): the client's fault, under its own 4xx status.
 */
function clientError(error: unknown): Problem | undefined {
  const e = error as { statusCode?: unknown; message?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.statusCode !== 'number') return undefined;
  const status = e.statusCode;
  if (status < 400 || status > 499) return undefined;
  const code = (HttpStatus[status] as string | undefined) ?? 'HTTP_ERROR';
  return problem(status, code, typeof e.message === 'string' ? e.message : code);
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const own = (error as { code?: unknown }).code;
  const code = typeof own === 'string' ? own : ((HttpStatus[status] as string | undefined) ?? 'HTTP_ERROR');
  return problem(status, code, status >= 500 ? 'internal error' : error.message);
}
