import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';

const specs: TriggerSpec[] = [
  { type: 'date', runDate: '2024-05-01 09:30:00', timezone: 'Europe/Berlin' },
  { type: 'date', runDate: '2024-05-01T09:30:00.000+02:00' },
  {
    type: 'interval',
    hours: 2,
    minutes: 30,
    startDate: '2024-01-01 00:00:00',
    endDate: '2025-01-01 00:00:00',
    timezone: 'Asia/Tokyo',
    jitter: 5,
  },
  { type: 'cron', dayOfWeek: 'mon-fri', hour: '9-17/2', minute: 15, timezone: 'America/New_York', jitter: 3 },
  {
    type: 'cron',
    day: '3rd fri,last',
    month: 'jan-mar',
    year: '2025-2030',
    startDate: '2025-01-01 00:00:00',
  },
  { type: 'cron', expr: '0 9 * * 1-5', timezone: 'Europe/Paris', endDate: '2030-01-01T00:00:00Z' },
  {
    type: 'calendarinterval',
    months: 1,
    hour: 9,
    startDate: '2024-01-31',
    monthEnd: 'clamp',
    timezone: 'UTC',
  },
  {
    type: 'calendarinterval',
    years: 1,
    weeks: 1,
    days: 2,
    hour: 3,
    minute: 4,
    second: 5,
    startDate: '2024-02-29',
    endDate: '2040-01-01',
  },
  {
    type: 'and',
    jitter: 1,
    triggers: [
      { type: 'cron', dayOfWeek: 'sat,sun', hour: '*' },
      { type: 'interval', hours: 4, startDate: '2024-01-01 00:00:00', timezone: 'Europe/Berlin' },
    ],
  },
  {
    type: 'or',
    triggers: [
      { type: 'cron', dayOfWeek: 'mon', hour: 2 },
      { type: 'cron', expr: '0 15 * * 2' },
    ],
  },
];

describe('JSON round trip', () => {
  test.each(specs.map((s) => [s.type, s] as const))('%s', (_type, spec) => {
    const trigger = triggerFromJSON(spec, { random: () => 0.5 });
    const json = JSON.parse(JSON.stringify(trigger)) as TriggerSpec;
    expect(json).toEqual(spec);
    const again = triggerFromJSON(json, { random: () => 0.5 });
    const now = new Date('2024-06-01T00:00:00Z');
    let a = trigger.getNextFireTime(null, now);
    let b = again.getNextFireTime(null, now);
    for (let i = 0; i < 5 && a && b; i++) {
      expect(b.toISOString()).toBe(a.toISOString());
      [a, b] = [trigger.getNextFireTime(a, a), again.getNextFireTime(b, b)];
    }
    expect(b?.toISOString()).toBe(a?.toISOString());
  });
});
