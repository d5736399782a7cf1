import fc from 'fast-check';

import { TRIGGER_SCHEMA } from '../../../src/admin/dto/trigger.schema';
import { ValidationError } from '../../../src/scheduler/errors';
import {
  CalendarIntervalTrigger,
  CombiningTrigger,
  CronTrigger,
  CrontabTrigger,
  DateTrigger,
  IntervalTrigger,
  TRIGGER_SHAPES,
  triggerFromJSON,
  triggerKeys,
  triggerSpecFromApscheduler,
  type TriggerSpec,
  type TriggerType,
} from '../../../src/scheduler/triggers';
import { createHarness, iso } from '../scheduler/harness';

/** A valid spec of every type, to which one unknown key is added. */
const VALID: Record<TriggerType, TriggerSpec> = {
  date: { type: 'date', runDate: '2030-01-01T00:00:00Z' },
  interval: { type: 'interval', hours: 1 },
  cron: { type: 'cron', hour: 9 },
  calendarinterval: { type: 'calendarinterval', days: 1, startDate: '2030-01-01' },
  and: { type: 'and', triggers: [{ type: 'cron', hour: 9 }] },
  or: { type: 'or', triggers: [{ type: 'cron', hour: 9 }] },
};
const TYPES = Object.keys(TRIGGER_SHAPES) as TriggerType[];

function refusal(build: () => unknown): ValidationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('strict triggers: an unknown key is refused by the engine, naming it', () => {
  test.each([
    ['cron hours (hour meant)', { type: 'cron', hours: 9 }, 'hours', "did you mean 'hour'"],
    ['cron day_of_week in camelCase JSON', { type: 'cron', day_of_week: 'mon' }, 'day_of_week', 'dayOfWeek'],
    ['interval hour (hours meant)', { type: 'interval', hour: 1 }, 'hour', "did you mean 'hours'"],
    [
      'date run_date',
      { type: 'date', runDate: '2030-01-01T00:00:00Z', run_date: 'x' },
      'run_date',
      'runDate',
    ],
    [
      'calendarinterval month',
      { type: 'calendarinterval', month: 1, startDate: '2030-01-01' },
      'month',
      'months',
    ],
    ['crontab with a stray key', { type: 'cron', expr: '0 9 * * *', tz: 'UTC' }, 'tz', "'cron' trigger"],
    [
      'and with jiter',
      { type: 'and', triggers: [{ type: 'cron', hour: 1 }], jiter: 1 },
      'jiter',
      "did you mean 'jitter'",
    ],
    [
      'or part',
      {
        type: 'or',
        triggers: [
          { type: 'cron', hour: 1 },
          { type: 'cron', minutes: 5 },
        ],
      },
      'triggers[1].minutes',
      'minute',
    ],
  ])('%s', (_label, spec, field, reason) => {
    const error = refusal(() => triggerFromJSON(spec as TriggerSpec));
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
  });

  test.each(TYPES)('%s: any key outside its declared shape, through triggerFromJSON', (type) => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !triggerKeys(type).includes(k)),
        fc.jsonValue(),
        (key, value) => {
          const error = refusal(() => triggerFromJSON({ ...VALID[type], [key]: value } as TriggerSpec));
          expect(error.field).toBe(key);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('every constructor refuses unknown keys itself (library callers building triggers directly)', () => {
    const build = (part: TriggerSpec) => triggerFromJSON(part);
    const cases: Array<[string, () => unknown]> = [
      ['date', () => new DateTrigger({ ...VALID.date, hours: 1 } as never)],
      ['interval', () => new IntervalTrigger({ ...VALID.interval, hour: 1 } as never)],
      ['cron', () => new CronTrigger({ type: 'cron', hours: 9 } as never)],
      ['crontab', () => new CrontabTrigger({ type: 'cron', expr: '0 9 * * *', hours: 9 } as never)],
      [
        'calendarinterval',
        () => new CalendarIntervalTrigger({ ...VALID.calendarinterval, month: 1 } as never),
      ],
      ['and', () => new CombiningTrigger({ ...VALID.and, hours: 1 } as never, build)],
      ['or', () => new CombiningTrigger({ ...VALID.or, hours: 1 } as never, build)],
    ];
    for (const [label, make] of cases) {
      const error = refusal(make);
      expect([label, error.field]).toEqual([label, expect.stringMatching(/^hours?$|^month$/)]);
    }
  });

  test('APScheduler-style input (CLI preview, oracle form) is refused the same way', () => {
    const error = refusal(() =>
      triggerFromJSON(triggerSpecFromApscheduler({ trigger: 'cron', params: { hours: 9 } })),
    );
    expect(error.field).toBe('hours');
  });

  test('library: addJob and rescheduleJob refuse it, naming trigger.<key>; nothing is stored', async () => {
    const { scheduler, store } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    await expect(
      scheduler.addJob({
        id: 'typo',
        trigger: { type: 'cron', hours: 9 } as never,
        action: { handler: 'h' },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'trigger.hours' });
    expect(await store.getJob('typo')).toBeNull();
    await scheduler.addJob({ id: 'ok', trigger: { type: 'cron', hour: 9 }, action: { handler: 'h' } });
    await expect(
      scheduler.rescheduleJob('ok', { type: 'interval', minute: 5 } as never),
    ).rejects.toMatchObject({
      field: 'trigger.minute',
    });
  });

  test('stored JSON: a job whose stored trigger has an unknown key is paused with an error run, never fired', async () => {
    const { scheduler, store, clock, eventsOf } = createHarness();
    let runs = 0;
    scheduler.registerHandler('h', () => {
      runs++;
    });
    // Written past the engine, as an older build or a hand edit of the table could have.
    await store.addJob({
      id: 'stored-typo',
      name: 'stored-typo',
      trigger: { type: 'cron', hours: 9 } as never,
      action: { handler: 'h' },
      misfireGraceTime: null,
      coalesce: true,
      maxInstances: 1,
      paused: false,
      nextRunTime: clock.now(),
    });
    await scheduler.start();
    await clock.advanceAsync(10_000);
    expect(runs).toBe(0);
    expect(eventsOf('job.error').map((e) => String(e.error))).toEqual([expect.stringContaining('hours')]);
    const job = await store.getJob('stored-typo');
    expect({ paused: job?.paused, next: iso(job?.nextRunTime ?? null) }).toEqual({
      paused: true,
      next: null,
    });
    await scheduler.shutdown();
  });
});

describe('the REST schema is generated from the engine declaration', () => {
  const variants = (TRIGGER_SCHEMA as { oneOf: Array<{ title: string; properties: object }> }).oneOf;
  const keysOf = (title: string) => Object.keys(variants.find((v) => v.title === title)?.properties ?? {});

  test.each(['date', 'interval', 'calendarinterval'] as const)(
    '%s documents exactly the engine keys',
    (type) => {
      expect(keysOf(type).sort()).toEqual(triggerKeys(type).sort());
    },
  );

  test('cron and crontab together document the cron keys; and/or its keys', () => {
    expect([...new Set([...keysOf('cron'), ...keysOf('crontab')])].sort()).toEqual(
      triggerKeys('cron').sort(),
    );
    expect(keysOf('and / or').sort()).toEqual(triggerKeys('and').sort());
  });
});
