import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

import { SchedulerCommandDto } from '../../../src/commands/dto/scheduler-command.dto';

async function check(plain: unknown): Promise<{ fields: string[]; value: SchedulerCommandDto }> {
  const value = plainToInstance(SchedulerCommandDto, plain);
  const errors = await validate(value, { whitelist: true, forbidUnknownValues: true });
  const fields: string[] = [];
  const walk = (list: ValidationError[], prefix: string): void => {
    for (const e of list) {
      const field = prefix ? `${prefix}.${e.property}` : e.property;
      if (e.constraints) fields.push(field);
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return { fields, value };
}

const schedule = {
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

describe('scheduler.commands DTO', () => {
  it('accepts schedule with runAt, schedule with delaySeconds, and cancel; keeps any JSON target value', async () => {
    const ok = await check(schedule);
    expect(ok.fields).toEqual([]);
    expect(ok.value.target?.value).toEqual({ text: 'hi', nested: { a: [1, 2] } });
    expect(ok.value.target?.headers).toEqual({ h: 'v' });
    const { runAt: _runAt, ...withoutRunAt } = schedule;
    expect((await check({ ...withoutRunAt, delaySeconds: 30 })).fields).toEqual([]);
    expect(
      (await check({ ...withoutRunAt, delaySeconds: 0, target: { topic: 't', value: 'text' } })).fields,
    ).toEqual([]);
    expect((await check({ eventId: 'e-2', type: 'cancel', jobId: 'reminder-1' })).fields).toEqual([]);
  });

  it.each([
    ['an unknown type', { type: 'reschedule' }, ['type']],
    ['both runAt and delaySeconds', { delaySeconds: 10 }, ['runAt']],
    ['neither runAt nor delaySeconds', { runAt: undefined }, ['runAt']],
    ['an impossible date', { runAt: '2025-02-30T10:00:00Z' }, ['runAt']],
    ['runAt without offset', { runAt: '2030-01-01T10:00:00' }, ['runAt']],
    ['a numeric runAt', { runAt: 1893456000000 }, ['runAt']],
    ['a missing target', { target: undefined }, ['target']],
    ['a target without value', { target: { topic: 't' } }, ['target.value']],
    ['a bad topic name', { target: { topic: 'no spaces', value: 1 } }, ['target.topic']],
    ['non-string headers', { target: { topic: 't', value: 1, headers: { n: 1 } } }, ['target.headers']],
    ['a missing jobId', { jobId: undefined }, ['jobId']],
    ['an order-timeout job id', { jobId: 'order-timeout:o1' }, ['jobId']],
  ])('rejects %s, naming the field', async (_label, change, fields) => {
    expect((await check({ ...schedule, ...change })).fields).toEqual(fields);
  });

  it.each([
    ['a negative delay', { delaySeconds: -1 }, ['delaySeconds']],
    ['a fractional delay', { delaySeconds: 1.5 }, ['delaySeconds']],
    ['a string delay', { delaySeconds: '10' }, ['delaySeconds']],
  ])('rejects %s, naming the field', async (_label, change, fields) => {
    const { runAt: _runAt, ...withoutRunAt } = schedule;
    expect((await check({ ...withoutRunAt, ...change })).fields).toEqual(fields);
  });

  it('rejects a cancel without jobId', async () => {
    expect((await check({ eventId: 'e', type: 'cancel' })).fields).toEqual(['jobId']);
  });
});

describe('scheduler.commands DTO: http targets and retry', () => {
  const { target: _target, ...withoutTarget } = schedule;

  it('accepts an http target instead of a Kafka one, with a retry policy, and keeps them', async () => {
    const ok = await check({ ...withoutTarget, http: { url: 'https://e.com/x' }, retry: { maxAttempts: 3 } });
    expect(ok.fields).toEqual([]);
    expect(ok.value.http).toEqual({ url: 'https://e.com/x' });
    expect(ok.value.retry).toEqual({ maxAttempts: 3 });
  });

  it.each<[string, unknown, string]>([
    ['neither target nor http', withoutTarget, 'target'],
    ['http that is not an object', { ...withoutTarget, http: 'https://e.com' }, 'http'],
    ['retry that is not an object', { ...schedule, retry: 5 }, 'retry'],
  ])('refuses %s', async (_, plain, field) => {
    expect((await check(plain)).fields).toContain(field);
  });
});
