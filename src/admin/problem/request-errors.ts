import type { ValidationError as ClassValidatorError } from 'class-validator';

import type { FieldProblem } from './problem-details';

/**
 * The request's shape is wrong (types, unknown or missing fields, bad query values): 400.
 * Thrown by the global ValidationPipe and by adapter-side checks before the engine is asked.
 */
export class RequestValidationError extends Error {
  readonly code = 'REQUEST_INVALID';

  constructor(readonly errors: FieldProblem[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'the request is invalid');
    this.name = 'RequestValidationError';
  }

  static of(field: string, message: string): RequestValidationError {
    return new RequestValidationError([{ field, message }]);
  }
}

/** class-validator's error tree, flattened to dotted paths (`action.handler`, `triggers[0].hour`). */
export function flattenValidationErrors(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = join(parent, error.property);
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children && error.children.length > 0)
      out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

function join(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}
