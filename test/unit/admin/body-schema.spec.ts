import 'reflect-metadata';

import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';

import { CreateJobDto } from '../../../src/admin/dto/create-job.dto';
import {
  bodySchemaOf,
  keysKeptAsGiven,
  SchemaFirstValidationPipe,
} from '../../../src/admin/http/body-schema';
import { VALIDATION_PIPE_OPTIONS as OPTIONS } from '../../../src/admin/admin.module';
import { RequestValidationError } from '../../../src/admin/problem/request-errors';

/**
 * The admin API's body shortcut (a compiled schema in front of class-validator) against
 * ValidationPipe alone, the authority: over a table of good bodies and every field of each
 * mutated, the shortcut never accepts what ValidationPipe refuses, and what it accepts reaches the
 * handler equal to what ValidationPipe would hand it.
 */

type Plain = Record<string, unknown>;

const reference = new ValidationPipe(OPTIONS);
const pipe = new SchemaFirstValidationPipe(OPTIONS);
const BODY: ArgumentMetadata = { type: 'body', metatype: CreateJobDto, data: '' };
const shortcut = bodySchemaOf(CreateJobDto)!;

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

async function outcome(p: ValidationPipe, body: unknown): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: copy(await p.transform(body, BODY)) };
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    return { ok: false, value: error.errors };
  }
}

let fastCount = 0;

/** Runs `body` both ways; they must agree. Returns whether the shortcut took it. */
async function agree(body: unknown): Promise<boolean> {
  const fast = body !== undefined && shortcut(copy(body));
  const ref = await outcome(reference, body === undefined ? undefined : copy(body));
  const got = await outcome(pipe, body === undefined ? undefined : copy(body));
  if (fast) {
    fastCount++;
    expect({ body, refused: ref.ok ? null : ref.value }).toEqual({ body, refused: null });
  }
  expect({ body, ...got }).toEqual({ body, ...ref });
  return fast;
}

const publish = { handler: 'publish', args: { topic: 'reports.daily', key: 'k', value: { n: 1 } } };
const GOOD: Plain[] = [
  { trigger: { type: 'interval', hours: 1 }, action: publish },
  {
    id: 'daily-sales-report',
    name: 'Daily sales report',
    trigger: { type: 'cron', hour: 3, day_of_week: 'mon-fri', timezone: 'Europe/Paris' },
    action: { handler: 'noop' },
    misfireGraceTime: 300,
    coalesce: false,
    maxInstances: 3,
    paused: false,
    replaceExisting: true,
    retry: { maxAttempts: 5, backoff: { initialSeconds: 10 } },
    nextRunTime: '2030-01-01T10:00:00.123+02:00',
  },
  {
    id: 'apscheduler-names',
    trigger: { trigger: 'date', params: { run_date: '2030-01-01 10:00:00' } },
    action: { handler: 'publish', args: [1, 'two', { three: [null, true] }] },
    misfire_grace_time: null,
    max_instances: 1000,
    replace_existing: false,
    next_run_time: null,
    retry: null,
  },
  { id: 'é-ü-中文-🙂', trigger: {}, action: { handler: 'h', args: null } },
];

/** Values every field is tried with. */
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'x'.repeat(101),
  'x'.repeat(192),
  'x'.repeat(256),
  'a\u0000b',
  'a\u007fb',
  '\ud800',
  '🙂'.repeat(191),
  '\ufe0f'.repeat(200),
  0,
  -1,
  0.5,
  1,
  1.5,
  1000,
  1001,
  1e308,
  true,
  false,
  [],
  [1],
  {},
  { a: 1 },
  { constructor: 1 },
  { toString: 'x' },
  { prototype: {} },
  { nested: { hasOwnProperty: 1 } },
  [{ valueOf: 2 }],
  '2030-01-01T10:00:00Z',
  '2030-01-01T10:00:00',
  '2025-02-30T10:00:00Z',
  '2030-01-01 10:00:00+00:00',
];

/** Every path of an object body (`action.handler`), objects and leaves alike. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(body: Plain, path: string[], value: unknown): Plain {
  const out = copy(body);
  let at: Plain = out;
  for (const k of path.slice(0, -1)) at = at[k] as Plain;
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return out;
}

describe('admin body shortcut (CreateJobDto)', () => {
  it('takes every good body, as ValidationPipe hands it over', async () => {
    for (const body of GOOD) expect(await agree(body)).toBe(true);
  });

  it('agrees with ValidationPipe for every field of every good body set to each test value', async () => {
    let refused = 0;
    for (const body of GOOD) {
      const fields = [...paths(body), ['id'], ['name'], ['paused'], ['coalesce'], ['maxInstances']];
      for (const path of fields)
        for (const value of VALUES) if (!(await agree(setAt(body, path, value)))) refused++;
    }
    // Both kinds must occur, or the comparison proves nothing.
    expect(refused).toBeGreaterThan(500);
    expect(fastCount).toBeGreaterThan(200);
  });

  it('leaves unknown fields, other shapes and altered keys to ValidationPipe', async () => {
    const base = GOOD[1];
    const odd: unknown[] = [
      { ...base, unknown: 1 },
      { ...base, action: { ...publish, extra: true } },
      { ...base, __proto__x: 1 },
      JSON.parse('{"trigger":{"type":"interval","hours":1},"action":{"handler":"h"},"__proto__":{"a":1}}'),
      JSON.parse('{"trigger":{"type":"interval","__proto__":{"hours":1}},"action":{"handler":"h"}}'),
      { trigger: { type: 'interval', hours: 1 } },
      { action: publish },
      [],
      'text',
      42,
      null,
      undefined,
    ];
    for (const body of odd) expect(await agree(body)).toBe(false);
  });

  it('finds keys the class-validator path alters at any depth, in objects and arrays', () => {
    expect(keysKeptAsGiven({ a: [{ b: { c: 1 } }], d: 'constructor' })).toBe(true);
    expect(keysKeptAsGiven({ a: [{ b: { constructor: 1 } }] })).toBe(false);
    expect(keysKeptAsGiven([[{ isPrototypeOf: 1 }]])).toBe(false);
    expect(keysKeptAsGiven(JSON.parse('{"x":{"__proto__":1}}'))).toBe(false);
    expect(keysKeptAsGiven({ prototype: 1 })).toBe(false);
  });
});
