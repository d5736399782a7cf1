import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';

function fires(spec: TriggerSpec, now: string, count: number): string[] {
  const trigger = triggerFromJSON(spec);
  const out: string[] = [];
  let previous: Date | null = null;
  while (out.length < count) {
    const fire = trigger.getNextFireTime(previous, previous ?? new Date(now));
    if (!fire) break;
    out.push(fire.toISOString());
    previous = fire;
  }
  return out;
}

describe('DST rule: a skipped wall time fires shifted by the gap, a repeated one once, earlier', () => {
  test('cron 02:30 in Berlin on the spring-forward day fires at 03:30 local', () => {
    expect(
      fires({ type: 'cron', hour: 2, minute: 30, timezone: 'Europe/Berlin' }, '2024-03-30T12:00:00Z', 2),
    ).toEqual([
      '2024-03-31T01:30:00.000Z', // 03:30 CEST
      '2024-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  test('cron 01:30 in New York on the fall-back day fires once, at the EDT instant', () => {
    expect(
      fires({ type: 'cron', hour: 1, minute: 30, timezone: 'America/New_York' }, '2024-11-03T00:00:00Z', 2),
    ).toEqual([
      '2024-11-03T05:30:00.000Z', // 01:30 EDT, not 06:30Z (01:30 EST)
      '2024-11-04T06:30:00.000Z',
    ]);
  });

  test('every minute through a repeated hour: each wall minute once, no duplicates', () => {
    const out = fires(
      { type: 'cron', minute: '*/20', timezone: 'America/New_York' },
      '2024-11-03T05:00:00Z',
      6,
    );
    // 01:00, 01:20, 01:40 EDT, then 02:00 EST (the EST pass of 01:xx is not repeated)
    expect(out).toEqual([
      '2024-11-03T05:00:00.000Z',
      '2024-11-03T05:20:00.000Z',
      '2024-11-03T05:40:00.000Z',
      '2024-11-03T07:00:00.000Z',
      '2024-11-03T07:20:00.000Z',
      '2024-11-03T07:40:00.000Z',
    ]);
  });

  test('asked from inside the second pass of a repeated hour, the next fire is after it', () => {
    const trigger = triggerFromJSON({ type: 'cron', minute: 30, timezone: 'America/New_York' });
    // 06:10Z is 01:10 EST (second pass); 01:30 already fired at 05:30Z (EDT)
    expect(trigger.getNextFireTime(null, new Date('2024-11-03T06:10:00Z'))?.toISOString()).toBe(
      '2024-11-03T07:30:00.000Z',
    );
  });

  test('every gap time fires, shifted, in a 30-minute gap (Lord Howe)', () => {
    // 2025-10-05 02:00 → 02:30 (+10:30 → +11). 02:15 is skipped, so it fires at 02:45.
    expect(
      fires(
        { type: 'cron', hour: '0-4', minute: 15, timezone: 'Australia/Lord_Howe' },
        '2025-10-04T13:00:00Z',
        4,
      ),
    ).toEqual([
      '2025-10-04T13:45:00.000Z', // 00:15 +10:30
      '2025-10-04T14:45:00.000Z', // 01:15 +10:30
      '2025-10-04T15:45:00.000Z', // 02:15 shifted to 02:45 +11
      '2025-10-04T16:15:00.000Z', // 03:15 +11
    ]);
  });

  test('crontab strings follow the same rule (cron-parser alone would skip 02:30 BST here)', () => {
    expect(
      fires({ type: 'cron', expr: '30 2 * * *', timezone: 'Europe/London' }, '2029-03-24T17:15:00Z', 2),
    ).toEqual(['2029-03-25T01:30:00.000Z', '2029-03-26T01:30:00.000Z']);
    // 01:30 does not exist that day (01:00 GMT → 02:00 BST): shifted to 02:30 BST
    expect(
      fires({ type: 'cron', expr: '30 1 * * *', timezone: 'Europe/London' }, '2029-03-24T17:15:00Z', 2),
    ).toEqual(['2029-03-25T01:30:00.000Z', '2029-03-26T00:30:00.000Z']);
  });

  test('calendarinterval in a gap fires shifted (APScheduler 4 would skip the day)', () => {
    expect(
      fires(
        {
          type: 'calendarinterval',
          days: 1,
          hour: 2,
          minute: 30,
          startDate: '2024-03-30',
          timezone: 'Europe/Berlin',
        },
        '2024-01-01T00:00:00Z',
        3,
      ),
    ).toEqual([
      '2024-03-30T01:30:00.000Z',
      '2024-03-31T01:30:00.000Z', // 03:30 CEST
      '2024-04-01T00:30:00.000Z',
    ]);
  });

  test('interval is elapsed time: 24 h stays 24 real hours across DST', () => {
    expect(
      fires(
        { type: 'interval', hours: 24, startDate: '2024-03-30 12:00:00', timezone: 'Europe/Berlin' },
        '2024-03-30T00:00:00Z',
        3,
      ),
    ).toEqual([
      '2024-03-30T11:00:00.000Z',
      '2024-03-31T11:00:00.000Z', // 13:00 CEST
      '2024-04-01T11:00:00.000Z',
    ]);
  });

  test('a naive start date inside a gap is read shifted, a repeated one at its earlier instant', () => {
    const gap = triggerFromJSON({ type: 'date', runDate: '2024-03-31 02:30:00', timezone: 'Europe/Berlin' });
    expect(gap.getNextFireTime(null, new Date(0))?.toISOString()).toBe('2024-03-31T01:30:00.000Z');
    const fold = triggerFromJSON({ type: 'date', runDate: '2024-10-27 02:30:00', timezone: 'Europe/Berlin' });
    expect(fold.getNextFireTime(null, new Date(0))?.toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });
});
