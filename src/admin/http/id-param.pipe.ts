import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

import { MAX_JOB_ID_LENGTH } from '../../scheduler/job-builder';
import { idProblem } from '../../scheduler/validation';
import { RequestValidationError } from '../problem/request-errors';

/**
 * A path id obeys the same id rule as a body, a Kafka message or the engine: an id with edge
 * whitespace, a control character or a lone surrogate is a 400 naming the parameter, so no store
 * collation can turn it into another job's id (`DELETE /v1/jobs/padx%20%20` never touches `padx`).
 */
@Injectable()
export class IdParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'id';
    const problem = idProblem(value, MAX_JOB_ID_LENGTH);
    if (problem !== undefined) throw RequestValidationError.of(field, `${field} ${problem}`);
    return value as string;
  }
}
