import 'reflect-metadata';

import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

import { SchedulerCommandDto } from '../../../src/commands/dto/scheduler-command.dto';
import type { InboundRecord } from '../../../src/messaging/event-bus';
import { decodeRecord } from '../../../src/messaging/inbound/decode-record';
import type { DtoClass } from '../../../src/messaging/inbound/inbound-message';
import { inboundSchemaOf } from '../../../src/messaging/inbound/inbound-schema';
import { OrderCreatedDto, OrderPaidDto } from '../../../src/orders/dto/order-events.dto';

/**
 * Every inbound DTO's compiled shortcut schema against class-validator, the authority: the same
 * table of good and bad payloads (and mutations of the good ones) through decodeRecord and through
 * class-validator alone must give the same verdict, the same fields named and the same value.
 */

type Plain = Record<string, unknown>;

/** What decodeRecord gave before the shortcut: class-transformer + class-validator only. */
async function reference(
  dto: DtoClass<object>,
  plain: unknown,
): Promise<{ fields: string[]; value: unknown }> {
  const instance = plainToInstance(dto, plain) as object;
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: true });
  const fields: string[] = [];
  const walk = (list: ValidationError[], prefix: string): void => {
    for (const e of list) {
      const field = prefix ? `${prefix}.${e.property}` : e.property;
      if (e.constraints) fields.push(field);
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return { fields: [...new Set(fields)].sort(), value: instanceToPlain(instance) };
}

const record = (plain: unknown): InboundRecord => ({
  topic: 't',
  partition: 0,
  offset: '7',
  key: null,
  headers: {},
  value: Buffer.from(JSON.stringify(plain)),
});

/** Decodes `plain` both ways and checks they agree; returns the fields named and whether the shortcut took it. */
async function agree(dto: DtoClass<object>, plain: unknown): Promise<{ fields: string[]; fast: boolean }> {
  const ref = await reference(dto, JSON.parse(JSON.stringify(plain)));
  const fast = inboundSchemaOf(dto)!(JSON.parse(JSON.stringify(plain)));
  const result = await decodeRecord(record(plain), dto, 1 << 20);
  if (fast) expect(ref.fields).toEqual([]); // the shortcut never accepts what class-validator refuses
  if (result.ok) {
    expect(ref.fields).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.message.value))).toEqual(JSON.parse(JSON.stringify(ref.value)));
    return { fields: [], fast };
  }
  expect(result.code).toBe('VALIDATION_FAILED');
  const fields = [...new Set(result.fields)].sort();
  expect(fields).toEqual(ref.fields);
  for (const field of fields) expect(result.error).toContain(`${field}: `);
  return { fields, fast };
}

const created: Plain = {
  eventId: '5b0b8f0e-6d8a-4d0b-9a52-0b1c2d3e4f50',
  orderId: 'o-1',
  createdAt: '2025-02-28T10:00:00Z',
  items: [{ skuId: 'sku-1', quantity: 1 }],
};
const paid: Plain = { eventId: 'e-2', orderId: 'o-1', paidAt: '2025-02-28T10:05:00.123+01:00' };
const schedule: Plain = {
  eventId: 'e-1',
  type: 'schedule',
  jobId: 'reminder-1',
  runAt: '2030-01-01T10:00:00+02:00',
  target: {
    topic: 'reminders',
    key: 'k1',
    value: { text: 'hi', nested: { a: [1, 2] } },
    headers: { h: 'v' },
  },
};
const cancel: Plain = { eventId: 'e-3', type: 'cancel', jobId: 'reminder-1' };
const httpSchedule: Plain = {
  eventId: 'e-4',
  type: 'schedule',
  jobId: 'call-1',
  delaySeconds: 30,
  http: { method: 'POST', url: 'https://example.test/hook', body: { a: 1 } },
  retry: { maxAttempts: 3 },
};

const long = (n: number): string => 'x'.repeat(n);

/** [label, dto, payload, fields named (empty: accepted), whether the shortcut must take it]. */
const TABLE: Array<[string, DtoClass<object>, Plain, string[], boolean?]> = [
  ['created: valid', OrderCreatedDto, created, [], true],
  ['created: with timeout', OrderCreatedDto, { ...created, paymentTimeoutSeconds: 60 }, [], true],
  [
    'created: unknown fields dropped',
    OrderCreatedDto,
    { ...created, extra: 1, items: [{ skuId: 's', quantity: 2, note: 'n' }] },
    [],
    true,
  ],
  ['created: null timeout (optional)', OrderCreatedDto, { ...created, paymentTimeoutSeconds: null }, []],
  [
    'created: 1000 items',
    OrderCreatedDto,
    { ...created, items: Array.from({ length: 1000 }, () => ({ skuId: 's', quantity: 1 })) },
    [],
    true,
  ],
  [
    'created: 1001 items',
    OrderCreatedDto,
    { ...created, items: Array.from({ length: 1001 }, () => ({ skuId: 's', quantity: 1 })) },
    ['items'],
  ],
  [
    'created: impossible date',
    OrderCreatedDto,
    { ...created, createdAt: '2025-02-30T10:00:00Z' },
    ['createdAt'],
  ],
  [
    'created: date without offset',
    OrderCreatedDto,
    { ...created, createdAt: '2025-02-28T10:00:00' },
    ['createdAt'],
  ],
  ['created: numeric orderId', OrderCreatedDto, { ...created, orderId: 42 }, ['orderId']],
  ['created: orderId 177', OrderCreatedDto, { ...created, orderId: long(177) }, [], true],
  ['created: orderId 178', OrderCreatedDto, { ...created, orderId: long(178) }, ['orderId']],
  [
    'created: orderId with a control character',
    OrderCreatedDto,
    { ...created, orderId: 'o\u0007' },
    ['orderId'],
  ],
  ['created: orderId with edge space', OrderCreatedDto, { ...created, orderId: ' o' }, ['orderId']],
  ['created: eventId 191', OrderCreatedDto, { ...created, eventId: long(191) }, [], true],
  ['created: eventId 192', OrderCreatedDto, { ...created, eventId: long(192) }, ['eventId']],
  ['created: empty items', OrderCreatedDto, { ...created, items: [] }, ['items']],
  ['created: item not an object', OrderCreatedDto, { ...created, items: ['sku-1'] }, ['items.0']],
  [
    'created: zero quantity',
    OrderCreatedDto,
    { ...created, items: [{ skuId: 's', quantity: 0 }] },
    ['items.0.quantity'],
  ],
  [
    'created: fractional quantity',
    OrderCreatedDto,
    { ...created, items: [{ skuId: 's', quantity: 1.5 }] },
    ['items.0.quantity'],
  ],
  [
    'created: skuId 191',
    OrderCreatedDto,
    { ...created, items: [{ skuId: long(191), quantity: 1 }] },
    [],
    true,
  ],
  [
    'created: skuId 192',
    OrderCreatedDto,
    { ...created, items: [{ skuId: long(192), quantity: 1 }] },
    ['items.0.skuId'],
  ],
  [
    'created: skuId of 191 emoji',
    OrderCreatedDto,
    { ...created, items: [{ skuId: '😀'.repeat(191), quantity: 1 }] },
    [],
  ],
  [
    'created: empty skuId',
    OrderCreatedDto,
    { ...created, items: [{ skuId: '', quantity: 1 }] },
    ['items.0.skuId'],
  ],
  [
    'created: timeout over a week',
    OrderCreatedDto,
    { ...created, paymentTimeoutSeconds: 7 * 24 * 3600 + 1 },
    ['paymentTimeoutSeconds'],
  ],
  [
    'created: own __proto__ key',
    OrderCreatedDto,
    JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(created).slice(1)}`) as Plain,
    [],
  ],
  ['paid: valid', OrderPaidDto, paid, [], true],
  ['paid: missing paidAt', OrderPaidDto, { ...paid, paidAt: undefined }, ['paidAt']],
  ['paid: paidAt a number', OrderPaidDto, { ...paid, paidAt: 1 }, ['paidAt']],
  ['paid: null orderId', OrderPaidDto, { ...paid, orderId: null }, ['orderId']],
  ['command: schedule at', SchedulerCommandDto, schedule, [], true],
  [
    'command: schedule after a delay',
    SchedulerCommandDto,
    { ...schedule, runAt: undefined, delaySeconds: 0 },
    [],
    true,
  ],
  ['command: cancel', SchedulerCommandDto, cancel, [], true],
  ['command: http schedule with retry', SchedulerCommandDto, httpSchedule, [], true],
  ['command: cancel with schedule fields', SchedulerCommandDto, { ...cancel, runAt: 'soon', target: 5 }, []],
  ['command: schedule with target and http', SchedulerCommandDto, { ...schedule, http: { url: 'u' } }, []],
  [
    'command: unknown fields dropped',
    SchedulerCommandDto,
    { ...schedule, extra: 1, target: { ...(schedule.target as Plain), more: 2 } },
    [],
    true,
  ],
  [
    'command: null target key',
    SchedulerCommandDto,
    { ...schedule, target: { topic: 't', key: null, value: 1 } },
    [],
    true,
  ],
  ['command: runAt and delay', SchedulerCommandDto, { ...schedule, delaySeconds: 5 }, ['runAt']],
  ['command: neither runAt nor delay', SchedulerCommandDto, { ...schedule, runAt: undefined }, ['runAt']],
  [
    'command: impossible runAt',
    SchedulerCommandDto,
    { ...schedule, runAt: '2030-02-30T10:00:00Z' },
    ['runAt'],
  ],
  [
    'command: delay over a year',
    SchedulerCommandDto,
    { ...schedule, runAt: undefined, delaySeconds: 366 * 24 * 3600 + 1 },
    ['delaySeconds'],
  ],
  [
    'command: negative delay',
    SchedulerCommandDto,
    { ...schedule, runAt: undefined, delaySeconds: -1 },
    ['delaySeconds'],
  ],
  ['command: unknown type', SchedulerCommandDto, { ...schedule, type: 'pause' }, ['type']],
  ['command: reserved jobId', SchedulerCommandDto, { ...cancel, jobId: 'order-timeout:o-1' }, ['jobId']],
  ['command: jobId 192', SchedulerCommandDto, { ...cancel, jobId: long(192) }, ['jobId']],
  ['command: no target', SchedulerCommandDto, { ...schedule, target: undefined }, ['target']],
  [
    'command: bad topic',
    SchedulerCommandDto,
    { ...schedule, target: { topic: 'a b', value: 1 } },
    ['target.topic'],
  ],
  [
    'command: null target value',
    SchedulerCommandDto,
    { ...schedule, target: { topic: 't', value: null } },
    ['target.value'],
  ],
  [
    'command: numeric header',
    SchedulerCommandDto,
    { ...schedule, target: { topic: 't', value: 1, headers: { h: 1 } } },
    ['target.headers'],
  ],
  ['command: http an array', SchedulerCommandDto, { ...httpSchedule, http: [] }, ['http']],
  ['command: retry a string', SchedulerCommandDto, { ...httpSchedule, retry: 'x' }, ['retry']],
];

describe('inbound shortcut schemas agree with the DTOs', () => {
  // A rest parameter: jest takes a callback with more parameters than the row has for a `done` one.
  it.each(TABLE)('%s', async (...row) => {
    const [, dto, payload, fields, fast] = row;
    const outcome = await agree(dto, payload);
    expect(outcome.fields).toEqual([...fields].sort());
    if (fast) expect(outcome.fast).toBe(true);
  });

  /** Every field of every good payload replaced by values of every JSON kind, and removed. */
  const REPLACEMENTS: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    2 ** 31,
    '',
    ' ',
    'x',
    long(400),
    '2025-02-28T10:00:00Z',
    true,
    [],
    [1],
    {},
    { a: 1 },
  ];
  const GOOD: Array<[string, DtoClass<object>, Plain]> = [
    ['orders.created', OrderCreatedDto, created],
    ['orders.paid', OrderPaidDto, paid],
    ['scheduler.commands schedule', SchedulerCommandDto, schedule],
    ['scheduler.commands cancel', SchedulerCommandDto, cancel],
    ['scheduler.commands http', SchedulerCommandDto, httpSchedule],
  ];
  it.each(GOOD)(
    '%s: every field mutated, both ways give the same verdict and fields',
    async (_label, dto, good) => {
      const paths: string[][] = [];
      const walk = (value: unknown, path: string[]): void => {
        if (path.length > 0) paths.push(path);
        if (value && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      };
      walk(good, []);
      for (const extra of [
        'paymentTimeoutSeconds',
        'delaySeconds',
        'runAt',
        'target',
        'http',
        'retry',
        'extra',
      ])
        paths.push([extra]);
      let rejected = 0;
      for (const path of paths)
        for (const replacement of REPLACEMENTS) {
          const copy = JSON.parse(JSON.stringify(good)) as Plain;
          let at: Record<string, unknown> = copy;
          for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
          at[path[path.length - 1]] = replacement;
          const { fields } = await agree(dto, copy);
          if (fields.length > 0) rejected++;
        }
      expect(rejected).toBeGreaterThan(paths.length); // the mutations do reach the error paths
    },
  );
});
