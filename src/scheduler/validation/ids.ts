import { ValidationError } from '../errors';

/**
 * One rule for every id (job, order, command, event) at every entry point: ids compare byte for
 * byte, so anything that a store, a log or a terminal could silently alter is refused up front.
 */
// C0 and C1 controls, and a UTF-16 surrogate not part of a pair.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EDGE_SPACE = /^\s|\s$/u;

/** Why `id` is not acceptable, or undefined when it is. */
export function idProblem(id: unknown, maxLength: number): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0) return 'must not be empty';
  if (id.length > maxLength) return `must be at most ${maxLength} characters`;
  if (FORBIDDEN.test(id)) return 'must not contain control characters or unpaired surrogates';
  if (EDGE_SPACE.test(id)) return 'must not start or end with whitespace';
  return undefined;
}

/** Throws a ValidationError naming `field` when `id` breaks the id rule. */
export function assertValidId(id: unknown, field: string, maxLength: number): asserts id is string {
  const problem = idProblem(id, maxLength);
  if (problem) throw new ValidationError(field, problem);
}
