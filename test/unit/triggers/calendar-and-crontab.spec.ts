import {
  triggerFromJSON,
  TriggerMaxIterationsError,
  type TriggerSpec,
} from '../../../src/scheduler/triggers';

function fires(spec: TriggerSpec, now: string, count: number): string[] {
  const trigger = triggerFromJSON(spec);
  const out: string[] = [];
  let previous: Date | null = null;
  while (out.length < count) {
    const fire = trigger.getNextFireTime(previous, previous ?? new Date(now));
    if (!fire) break;
    out.push(fire.toISOString().slice(0, 10));
    previous = fire;
  }
  return out;
}

describe('calendarinterval month ends', () => {
  test("'skip' (default) skips months without the day", () => {
    expect(
      fires({ type: 'calendarinterval', months: 1, startDate: '2023-01-31' }, '2023-01-01T00:00:00Z', 4),
    ).toEqual(['2023-01-31', '2023-03-31', '2023-05-31', '2023-07-31']);
  });

  test("'clamp' runs on the last day of short months without drifting", () => {
    expect(
      fires(
        { type: 'calendarinterval', months: 1, startDate: '2023-01-31', monthEnd: 'clamp' },
        '2023-01-01T00:00:00Z',
        5,
      ),
    ).toEqual(['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31']);
    expect(
      fires(
        { type: 'calendarinterval', years: 1, startDate: '2024-02-29', monthEnd: 'clamp' },
        '2024-01-01T00:00:00Z',
        3,
      ),
    ).toEqual(['2024-02-29', '2025-02-28', '2026-02-28']);
  });

  test('asked later than the start, it finds the first date at or after now', () => {
    expect(
      fires(
        { type: 'calendarinterval', months: 1, startDate: '2023-01-31', monthEnd: 'clamp' },
        '2024-02-10T00:00:00Z',
        2,
      ),
    ).toEqual(['2024-02-29', '2024-03-31']);
    expect(
      fires({ type: 'calendarinterval', days: 10, startDate: '2020-01-01' }, '2024-01-01T00:00:00Z', 1),
    ).toEqual(['2024-01-10']);
  });

  test('ends after the end date', () => {
    expect(
      fires(
        { type: 'calendarinterval', weeks: 1, startDate: '2024-01-01', endDate: '2024-01-15' },
        '2024-01-01T00:00:00Z',
        9,
      ),
    ).toEqual(['2024-01-01', '2024-01-08', '2024-01-15']);
  });
});

describe('crontab strings (cron-parser, standard crontab meaning)', () => {
  test('day-of-week 0 is Sunday; L and # work', () => {
    expect(fires({ type: 'cron', expr: '0 9 * * 0' }, '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07']);
    expect(fires({ type: 'cron', expr: '0 9 L * *' }, '2024-02-01T00:00:00Z', 2)).toEqual([
      '2024-02-29',
      '2024-03-31',
    ]);
    expect(fires({ type: 'cron', expr: '0 9 * * 5#3' }, '2024-01-01T00:00:00Z', 2)).toEqual([
      '2024-01-19',
      '2024-02-16',
    ]);
  });

  test('day-of-month and day-of-week both given means either (crontab, unlike APScheduler)', () => {
    expect(fires({ type: 'cron', expr: '0 0 13 * 5' }, '2024-09-01T00:00:00Z', 3)).toEqual([
      '2024-09-06',
      '2024-09-13',
      '2024-09-20',
    ]);
  });

  test('six fields put seconds first', () => {
    const trigger = triggerFromJSON({ type: 'cron', expr: '15 0 9 * * *' });
    expect(trigger.getNextFireTime(null, new Date('2024-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2024-01-01T09:00:15.000Z',
    );
  });
});

describe('APScheduler cron expressions', () => {
  test('names, positions, last, week and year fields', () => {
    expect(fires({ type: 'cron', day: '1st mon,last fri' }, '2024-01-01T00:00:00Z', 4)).toEqual([
      '2024-01-01',
      '2024-01-26',
      '2024-02-05',
      '2024-02-23',
    ]);
    expect(fires({ type: 'cron', month: 'feb', day: 'last' }, '2023-01-01T00:00:00Z', 2)).toEqual([
      '2023-02-28',
      '2024-02-29',
    ]);
    expect(fires({ type: 'cron', week: 1, dayOfWeek: 0 }, '2024-06-01T00:00:00Z', 2)).toEqual([
      '2024-12-30',
      '2025-12-29',
    ]);
    expect(fires({ type: 'cron', year: 2025, month: 12, day: 31 }, '2024-01-01T00:00:00Z', 2)).toEqual([
      '2025-12-31',
    ]);
  });

  test('fields below the smallest given default to their minimum, above to *', () => {
    const trigger = triggerFromJSON({ type: 'cron', hour: 5 });
    expect(trigger.getNextFireTime(null, new Date('2024-01-01T05:00:01Z'))?.toISOString()).toBe(
      '2024-01-02T05:00:00.000Z',
    );
  });
});

describe('and / or', () => {
  test('and whose parts never coincide stops with a coded error', () => {
    const trigger = triggerFromJSON({
      type: 'and',
      triggers: [
        { type: 'interval', hours: 2, startDate: '2024-01-01T00:00:00Z' },
        { type: 'interval', hours: 2, startDate: '2024-01-01T01:00:00Z' },
      ],
    });
    expect(() => trigger.getNextFireTime(null, new Date('2024-01-01T00:00:00Z'))).toThrow(
      TriggerMaxIterationsError,
    );
  });

  test('a past date part ends an and, and is ignored by an or', () => {
    const past = { type: 'date' as const, runDate: '2020-01-01T00:00:00Z' };
    const hourly = { type: 'cron' as const, minute: 0 };
    const now = new Date('2024-01-01T00:30:00Z');
    expect(triggerFromJSON({ type: 'and', triggers: [past, hourly] }).getNextFireTime(null, now)).toBeNull();
    expect(
      triggerFromJSON({ type: 'or', triggers: [past, hourly] })
        .getNextFireTime(null, now)
        ?.toISOString(),
    ).toBe('2024-01-01T01:00:00.000Z');
  });
});
