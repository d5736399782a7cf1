import { ValidationError } from '../errors';

/** Small input checks shared by the trigger constructors; `field` is the camelCase spec key. */

export function optionalNumber(
  field: string,
  value: unknown,
  opts: { min?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ValidationError(field, 'must be a finite number');
  if (opts.integer && !Number.isInteger(value)) throw new ValidationError(field, 'must be an integer');
  if (opts.min !== undefined && value < opts.min)
    throw new ValidationError(field, `must be at least ${opts.min}`);
  return value;
}

/** Jitter in seconds: absent/0 means none; negative is rejected. */
export function jitterSeconds(value: unknown): number | undefined {
  const jitter = optionalNumber('jitter', value, { min: 0 });
  return jitter ? jitter : undefined;
}
