import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';

import { ProblemDto } from '../dto/job.response';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed: bad JSON, wrong types, unknown or missing fields, bad query values',
  401: 'No x-api-key header',
  403: 'The x-api-key is not valid (or no keys are configured)',
  404: 'Nothing by this name: no such job, topic or dead-letter topic',
  409: 'A job with this id exists (send replaceExisting: true to replace it)',
  413: 'The request body is larger than the limit',
  422: 'Well-formed, but the engine refuses a value (trigger field, time zone, unknown action handler)',
  429: 'Rate limit exceeded (see Retry-After)',
  503: 'The scheduler or its store is unavailable; retry',
};

/** Documents the problem+json responses a route can give. 401/403/429 apply to every admin route. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([400, 401, 403, 429, 503, ...statuses])].sort();
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
