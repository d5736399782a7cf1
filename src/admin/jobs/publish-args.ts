import type { FieldProblem } from '../problem/problem-details';
import { RequestValidationError } from '../problem/request-errors';

/** Kafka's topic name rule. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const KEYS = new Set(['topic', 'key', 'value', 'headers']);

/**
 * The 'publish' handler's args, checked when the job is created rather than at its first fire:
 * `{ topic, key?, value, headers? }`, value any JSON, headers string to string.
 */
export function checkPublishArgs(args: unknown, field = 'action.args'): void {
  const problems: FieldProblem[] = [];
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw RequestValidationError.of(field, 'must be an object {topic, key?, value, headers?}');
  }
  const a = args as Record<string, unknown>;
  for (const key of Object.keys(a))
    if (!KEYS.has(key)) problems.push({ field: `${field}.${key}`, message: 'is not a publish argument' });
  if (typeof a.topic !== 'string' || !TOPIC.test(a.topic))
    problems.push({
      field: `${field}.topic`,
      message: 'must be a Kafka topic name ([A-Za-z0-9._-], 1-249 chars)',
    });
  if (a.key !== undefined && a.key !== null && typeof a.key !== 'string')
    problems.push({ field: `${field}.key`, message: 'must be a string or null' });
  if (a.value === undefined) problems.push({ field: `${field}.value`, message: 'is required (any JSON)' });
  if (a.headers !== undefined) {
    const h = a.headers;
    if (typeof h !== 'object' || h === null || Array.isArray(h))
      problems.push({ field: `${field}.headers`, message: 'must be an object of strings' });
    else
      for (const [name, value] of Object.entries(h))
        if (typeof value !== 'string')
          problems.push({ field: `${field}.headers.${name}`, message: 'must be a string' });
  }
  if (problems.length > 0) throw new RequestValidationError(problems);
}
