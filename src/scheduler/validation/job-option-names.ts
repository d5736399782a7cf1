import { ValidationError } from '../errors';

/** APScheduler's snake_case job option names, and ours (`coalesce` is spelled the same). */
export const APSCHEDULER_JOB_OPTION_NAMES = {
  misfire_grace_time: 'misfireGraceTime',
  max_instances: 'maxInstances',
  replace_existing: 'replaceExisting',
  next_run_time: 'nextRunTime',
} as const;

type SnakeName = keyof typeof APSCHEDULER_JOB_OPTION_NAMES;

/** Built once: camelJobOptions runs twice for every job added (each order's timeout job). */
const NAME_PAIRS = Object.entries(APSCHEDULER_JOB_OPTION_NAMES);

/** The job options as APScheduler's add_job / modify_job name them. */
export interface ApschedulerJobOptionNames {
  misfire_grace_time?: number | null;
  max_instances?: number;
  replace_existing?: boolean;
  next_run_time?: Date | null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

/**
 * `input` with APScheduler's option names renamed to ours, so every caller (library, REST, a jobs
 * file, decorators) may use either. Both spellings of one option with different values are
 * refused, naming the snake_case key under `prefix` (`[3].max_instances`); the same value twice
 * is taken (a form or example that fills in every property sends both).
 */
export function camelJobOptions<T extends object>(input: T, prefix = ''): T {
  if (input === null || typeof input !== 'object') return input;
  let out: Record<string, unknown> | null = null;
  for (const [snake, camel] of NAME_PAIRS) {
    if (!Object.hasOwn(input, snake)) continue;
    out ??= { ...(input as Record<string, unknown>) };
    const value = out[snake];
    delete out[snake];
    if (value === undefined) continue;
    if (out[camel] !== undefined && !sameValue(out[camel], value))
      throw new ValidationError(
        `${prefix}${snake}`,
        `is given twice, differently (as ${camel} and ${snake})`,
      );
    out[camel] = value;
  }
  return (out ?? input) as T;
}

/**
 * `error` naming the option as the caller spelled it: a ValidationError for `maxInstances` becomes
 * one for `max_instances` when `given` (the input before camelJobOptions) used that name.
 */
export function inGivenNames(error: unknown, given: unknown, prefix = ''): unknown {
  if (!(error instanceof ValidationError) || given === null || typeof given !== 'object') return error;
  for (const snake of Object.keys(APSCHEDULER_JOB_OPTION_NAMES) as SnakeName[]) {
    const value = (given as Record<string, unknown>)[snake];
    if (error.field === `${prefix}${APSCHEDULER_JOB_OPTION_NAMES[snake]}` && value !== undefined)
      return new ValidationError(`${prefix}${snake}`, error.reason);
  }
  return error;
}
