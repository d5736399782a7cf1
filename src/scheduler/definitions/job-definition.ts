import { createHash } from 'node:crypto';

import { ValidationError } from '../errors';
import type { ActionSpec, JsonValue, RetryPolicyInput } from '../job';
import type { DefinitionHashes } from '../ports/job-store';
import { MAX_JOB_ID_LENGTH } from '../job-builder';
import { resolveRetryPolicy } from '../retry-policy';
import { triggerFromJSON, triggerSpecFromApscheduler, type TriggerSpec } from '../triggers';
import { assertJsonDepth, assertValidId } from '../validation';
import { JobDefinitionError } from './errors';

/**
 * A job declared in code (`@ScheduledJob`) or in a jobs file, normalized: the trigger as the
 * engine's camelCase spec, the action as a handler name and args, APScheduler's job options.
 * Defined jobs are reconciled into the store (see reconcile.ts); this is what their hash covers.
 */
export interface JobDefinition {
  id: string;
  name?: string;
  trigger: TriggerSpec;
  action: ActionSpec;
  misfireGraceTime?: number | null;
  coalesce?: boolean;
  maxInstances?: number;
  retry?: RetryPolicyInput | null;
}

/** Job option keys, in APScheduler's snake_case and our camelCase. */
const OPTION_KEYS: Record<string, keyof JobDefinition> = {
  misfire_grace_time: 'misfireGraceTime',
  misfireGraceTime: 'misfireGraceTime',
  coalesce: 'coalesce',
  max_instances: 'maxInstances',
  maxInstances: 'maxInstances',
  retry: 'retry',
  name: 'name',
};

/** Keys the reconciler decides: a definition says what the job is, not where its schedule stands. */
const REFUSED_KEYS: Record<string, string> = {
  next_run_time:
    'is not set by a definition: the first run comes from the trigger, later ones from the store',
  nextRunTime: 'is not set by a definition: the first run comes from the trigger, later ones from the store',
  replace_existing: 'is implied: a defined job is updated in place when its definition changes',
  replaceExisting: 'is implied: a defined job is updated in place when its definition changes',
  paused: 'is not set by a definition: pause a defined job through the admin API',
  jobstore: 'is not supported: every job lives in the one store',
  executor: 'is not supported here',
};

const camel = (key: string): string => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one definition in the shape Flask-APScheduler's JOBS list and APScheduler's
 * `add_job`/`scheduled_job` use: `id`, `func` (or `handler`: a registered action's name), `args`,
 * `trigger` (a type name, `crontab` included) with the trigger's parameters beside it (or under
 * `params`), and the job options (`misfire_grace_time`, `coalesce`, `max_instances`, `name`,
 * `retry`; camelCase also accepted). `where` locates it (`jobs[2]`) when it has no usable id.
 * @throws JobDefinitionError naming the job and the field.
 */
export function parseJobDefinition(raw: unknown, where: string, origin?: string): JobDefinition {
  if (!isPlainObject(raw)) throw new JobDefinitionError(where, where, 'must be an object', origin);
  const job = String(raw.id);
  const fail = (field: string, reason: string): never => {
    throw new JobDefinitionError(job, field, reason, origin);
  };
  try {
    assertValidId(raw.id, 'id', MAX_JOB_ID_LENGTH);
  } catch (error) {
    // Named by its place: a bad id (controls, edge spaces) is not something to print as a name.
    const reason = error instanceof ValidationError ? error.reason : 'must be a non-empty string';
    throw new JobDefinitionError(where, 'id', reason, origin);
  }
  const definition: Partial<JobDefinition> = { id: raw.id as string };
  const params: Record<string, unknown> = {};
  const rawKeyOf = new Map<string, string>();
  let handler: unknown;
  let args: unknown;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'id' || key === 'trigger') continue;
    if (Object.hasOwn(REFUSED_KEYS, key)) fail(key, REFUSED_KEYS[key]);
    if (key === 'func' || key === 'handler') {
      if (handler !== undefined) fail(key, "give one of 'func' and 'handler'");
      handler = value;
    } else if (key === 'args' || key === 'kwargs') {
      if (args !== undefined) fail(key, "give one of 'args' and 'kwargs'");
      args = value;
    } else if (key === 'params') {
      if (!isPlainObject(value)) fail('params', 'must be an object of trigger parameters');
      for (const [p, v] of Object.entries(value as Record<string, unknown>)) {
        params[p] = v;
        rawKeyOf.set(camel(p), `params.${p}`);
      }
    } else if (Object.hasOwn(OPTION_KEYS, key)) {
      const option = OPTION_KEYS[key];
      // Both spellings with one value are taken (as the engine's camelJobOptions does); different, refused.
      const before = definition[option];
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(value))
        fail(key, `is given twice, differently (as ${option} and ${key})`);
      (definition as Record<string, unknown>)[option] = value;
    } else {
      params[key] = value;
      rawKeyOf.set(camel(key), key);
    }
  }
  if (typeof handler !== 'string' || handler === '')
    fail('func', 'is required: the name of a registered action handler');
  if (args !== undefined) {
    try {
      assertJsonDepth(args, 'args');
    } catch (error) {
      fail('args', error instanceof ValidationError ? error.reason : String(error));
    }
  }
  definition.action =
    args === undefined
      ? { handler: handler as string }
      : { handler: handler as string, args: args as JsonValue };
  definition.trigger = parseDefinitionTrigger(raw.trigger, params, rawKeyOf, fail);
  checkOptions(definition, fail);
  return definition as JobDefinition;
}

function parseDefinitionTrigger(
  type: unknown,
  params: Record<string, unknown>,
  rawKeyOf: Map<string, string>,
  fail: (field: string, reason: string) => never,
): TriggerSpec {
  if (typeof type !== 'string' || type === '')
    return fail(
      'trigger',
      "is required: 'date', 'interval', 'cron', 'crontab', 'calendarinterval', 'and' or 'or'",
    );
  const userField = (field: string) => {
    const [head, ...rest] = field.split('.');
    return [rawKeyOf.get(head) ?? head, ...rest].join('.');
  };
  try {
    const spec = triggerSpecFromApscheduler({ trigger: type, params });
    triggerFromJSON(spec);
    return spec;
  } catch (error) {
    if (error instanceof ValidationError)
      return fail(error.field === 'type' ? 'trigger' : userField(error.field), error.reason);
    return fail('trigger', error instanceof Error ? error.message : String(error));
  }
}

function checkOptions(d: Partial<JobDefinition>, fail: (field: string, reason: string) => never): void {
  const { misfireGraceTime: grace, coalesce, maxInstances, name, retry } = d;
  if (
    grace !== undefined &&
    grace !== null &&
    (typeof grace !== 'number' || !Number.isFinite(grace) || grace <= 0)
  )
    fail('misfire_grace_time', 'must be null (run however late) or a number of seconds > 0');
  if (coalesce !== undefined && typeof coalesce !== 'boolean') fail('coalesce', 'must be a boolean');
  if (maxInstances !== undefined && (!Number.isInteger(maxInstances) || maxInstances < 1))
    fail('max_instances', 'must be an integer >= 1');
  if (name !== undefined && typeof name !== 'string') fail('name', 'must be a string');
  if (retry !== undefined && retry !== null) {
    try {
      resolveRetryPolicy(retry, undefined, 'retry');
    } catch (error) {
      if (error instanceof ValidationError) fail(error.field, error.reason);
      throw error;
    }
  }
}

/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * What a definition hashes to (sha256 of canonical JSON): its trigger apart from the rest, so a
 * change of options alone keeps the job's place in its schedule.
 */
export function definitionHashes(definition: JobDefinition): DefinitionHashes {
  const { trigger, ...rest } = definition;
  return { trigger: sha256(canonical(trigger)), job: sha256(canonical(rest)) };
}

/** The hash of a whole definition set (ids and their hashes). */
export function definitionSetHash(hashes: Record<string, DefinitionHashes>): string {
  return sha256(canonical(hashes));
}

/** Refuses two definitions with one id in a set. */
export function assertUniqueIds(definitions: JobDefinition[], origin?: string): void {
  const seen = new Set<string>();
  for (const d of definitions) {
    if (seen.has(d.id)) throw new JobDefinitionError(d.id, 'id', 'is defined twice', origin);
    seen.add(d.id);
  }
}
