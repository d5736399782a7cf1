import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { CreateJobDto } from '../../../src/admin/dto/create-job.dto';
import { toProblem } from '../../../src/admin/problem/problem-mapping';
import { flattenValidationErrors, RequestValidationError } from '../../../src/admin/problem/request-errors';
import { InvalidApiKeyError, MissingApiKeyError } from '../../../src/admin/security/security-errors';
import { PublishArgsError } from '../../../src/messaging/errors';
import {
  ConflictingIdError,
  JobLookupError,
  LeaseLostError,
  SchedulerNotRunningError,
  StoreUnavailableError,
  UnknownHandlerError,
  ValidationError,
} from '../../../src/scheduler';
import { TriggerMaxIterationsError } from '../../../src/scheduler/triggers';

describe('toProblem', () => {
  it.each([
    [RequestValidationError.of('limit', 'too big'), 400, 'REQUEST_INVALID', 'limit'],
    [new ValidationError('trigger.hour', 'out of range'), 422, 'VALIDATION_FAILED', 'trigger.hour'],
    [new UnknownHandlerError('nope'), 422, 'UNKNOWN_HANDLER', 'action.handler'],
    [new TriggerMaxIterationsError(1000), 422, 'TRIGGER_MAX_ITERATIONS', 'trigger'],
    [new PublishArgsError('topic', 'bad'), 422, 'PUBLISH_ARGS_INVALID', 'topic'],
    [new ConflictingIdError('a'), 409, 'JOB_CONFLICT', 'id'],
    [new JobLookupError('a'), 404, 'JOB_NOT_FOUND', undefined],
    [new SchedulerNotRunningError(), 503, 'SCHEDULER_NOT_RUNNING', undefined],
    [new StoreUnavailableError('down'), 503, 'STORE_UNAVAILABLE', undefined],
    [new MissingApiKeyError(), 401, 'API_KEY_MISSING', undefined],
    [new InvalidApiKeyError(), 403, 'API_KEY_INVALID', undefined],
    [new ThrottlerException(), 429, 'RATE_LIMITED', undefined],
    [new NotFoundException(), 404, 'NOT_FOUND', undefined],
    [new BadRequestException('x'), 400, 'BAD_REQUEST', undefined],
    [
      Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 10 }),
      413,
      'PAYLOAD_TOO_LARGE',
      undefined,
    ],
    [
      Object.assign(new SyntaxError('bad'), { type: 'entity.parse.failed', status: 400 }),
      400,
      'MALFORMED_JSON',
      'body',
    ],
  ])('%p → %i %s', (error, status, code, field) => {
    const p = toProblem(error);
    expect(p).toMatchObject({
      status,
      code,
      type: expect.stringMatching(/^urn:delayed-action-service:problem:/),
    });
    expect(p.title).not.toBe('');
    if (field) expect(p.errors[0].field).toBe(field);
  });

  it('answers 500 without details for what is the service’s own fault', () => {
    for (const error of [new Error('secret detail'), new LeaseLostError('j'), 'a string', undefined]) {
      const p = toProblem(error);
      expect(p).toMatchObject({ status: 500, detail: 'internal error', errors: [] });
    }
  });
});

describe('DTO validation → field paths', () => {
  const errorsOf = (body: object) =>
    flattenValidationErrors(
      validateSync(plainToInstance(CreateJobDto, body), { whitelist: true, forbidNonWhitelisted: true }),
    );

  it('names nested fields with dotted paths and unknown fields by name', () => {
    const problems = errorsOf({ trigger: {}, action: { handler: 3 }, coalesce: 'yes', surprise: 1 });
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['action.handler', 'coalesce', 'surprise']));
  });

  it('refuses null for non-nullable options but accepts null misfireGraceTime', () => {
    const ok = { trigger: { type: 'interval', hours: 1 }, action: { handler: 'h' } };
    expect(errorsOf({ ...ok, misfireGraceTime: null })).toEqual([]);
    expect(errorsOf({ ...ok, coalesce: null }).map((p) => p.field)).toEqual(['coalesce']);
    expect(errorsOf({ ...ok, maxInstances: 0 }).map((p) => p.field)).toEqual(['maxInstances']);
    expect(errorsOf({ ...ok, id: 'a\u0000b' }).map((p) => p.field)).toEqual(['id']);
  });
});
