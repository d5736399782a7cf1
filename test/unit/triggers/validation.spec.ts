import { ValidationError } from '../../../src/scheduler/errors';
import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';

function fieldOf(spec: unknown): string {
  try {
    triggerFromJSON(spec as TriggerSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    return (error as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

describe('trigger validation names the camelCase field', () => {
  test.each([
    ['unknown type', { type: 'weekly' }, 'type'],
    ['unknown zone', { type: 'date', runDate: '2024-01-01 00:00:00', timezone: 'Mars/Olympus' }, 'timezone'],
    ['bad date string', { type: 'date', runDate: 'tomorrow' }, 'runDate'],
    ['impossible date', { type: 'date', runDate: '2024-02-30 10:00:00' }, 'runDate'],
    // The toISOString form is parsed without luxon: Date alone would roll these over.
    ['impossible UTC date', { type: 'date', runDate: '2024-02-30T10:00:00.000Z' }, 'runDate'],
    ['impossible UTC time', { type: 'date', runDate: '2024-02-10T24:30:00.000Z' }, 'runDate'],
    ['zero interval', { type: 'interval' }, 'seconds'],
    ['negative interval', { type: 'interval', hours: -1 }, 'hours'],
    [
      'interval start after end',
      { type: 'interval', hours: 1, startDate: '2024-02-01T00:00:00Z', endDate: '2024-01-01T00:00:00Z' },
      'endDate',
    ],
    ['negative jitter', { type: 'interval', hours: 1, jitter: -5 }, 'jitter'],
    ['cron value out of range', { type: 'cron', hour: 24 }, 'hour'],
    ['cron step 0', { type: 'cron', minute: '*/0' }, 'minute'],
    ['cron bad weekday name', { type: 'cron', dayOfWeek: 'funday' }, 'dayOfWeek'],
    ['cron reversed range', { type: 'cron', day: '20-10' }, 'day'],
    ['cron bad position', { type: 'cron', day: '6th mon' }, 'day'],
    ['cron garbage', { type: 'cron', second: '1;2' }, 'second'],
    ['cron never fires (Feb 31)', { type: 'cron', month: 2, day: 31 }, 'day'],
    ['cron never fires (Feb 30)', { type: 'cron', month: 2, day: 30 }, 'day'],
    ['cron never fires (week 1 in June)', { type: 'cron', month: 6, week: 1 }, 'week'],
    [
      'cron start after end',
      { type: 'cron', hour: 1, startDate: '2024-02-01 00:00:00', endDate: '2024-01-01 00:00:00' },
      'endDate',
    ],
    ['crontab 4 fields', { type: 'cron', expr: '* * * *' }, 'expr'],
    ['crontab 7 fields', { type: 'cron', expr: '* * * * * * *' }, 'expr'],
    ['crontab H', { type: 'cron', expr: 'H 9 * * *' }, 'expr'],
    ['crontab bad value', { type: 'cron', expr: '61 * * * *' }, 'expr'],
    ['crontab never fires', { type: 'cron', expr: '0 0 31 2 *' }, 'expr'],
    ['crontab mixed with fields', { type: 'cron', expr: '0 9 * * *', hour: 9 }, 'hour'],
    ['crontab unknown zone', { type: 'cron', expr: '0 9 * * *', timezone: 'Nowhere/Land' }, 'timezone'],
    ['calendarinterval zero', { type: 'calendarinterval', startDate: '2024-01-01' }, 'days'],
    [
      'calendarinterval hour 24',
      { type: 'calendarinterval', days: 1, hour: 24, startDate: '2024-01-01' },
      'hour',
    ],
    [
      'calendarinterval fractional months',
      { type: 'calendarinterval', months: 1.5, startDate: '2024-01-01' },
      'months',
    ],
    [
      'calendarinterval bad start',
      { type: 'calendarinterval', days: 1, startDate: '2024-13-01' },
      'startDate',
    ],
    [
      'calendarinterval start after end',
      { type: 'calendarinterval', days: 1, startDate: '2024-02-01', endDate: '2024-01-01' },
      'endDate',
    ],
    [
      'calendarinterval bad monthEnd',
      { type: 'calendarinterval', months: 1, startDate: '2024-01-31', monthEnd: 'wrap' },
      'monthEnd',
    ],
    ['clamp without start', { type: 'calendarinterval', months: 1, monthEnd: 'clamp' }, 'startDate'],
    ['and without parts', { type: 'and', triggers: [] }, 'triggers'],
    [
      'nested part',
      {
        type: 'or',
        triggers: [
          { type: 'cron', hour: 1 },
          { type: 'cron', dayOfWeek: 'xyz' },
        ],
      },
      'triggers[1].dayOfWeek',
    ],
  ])('%s', (_name, spec, field) => {
    expect(fieldOf(spec)).toBe(field);
  });

  test.each([
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2024-03-01T01:00:00.000+01:00', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T00:00:00.000z', '2024-03-01T00:00:00.000Z'],
  ])('an ISO run date %s fires at %s', (runDate, expected) => {
    const trigger = triggerFromJSON({ type: 'date', runDate });
    expect(trigger.getNextFireTime(null, new Date(0))?.toISOString()).toBe(expected);
  });

  test('a zone is never silently UTC: a naive date follows the named zone', () => {
    const trigger = triggerFromJSON({
      type: 'date',
      runDate: '2024-07-01 12:00:00',
      timezone: 'Europe/Paris',
    });
    expect(trigger.getNextFireTime(null, new Date(0))?.toISOString()).toBe('2024-07-01T10:00:00.000Z');
  });
});
