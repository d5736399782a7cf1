import { normalizeTrigger, parseTriggerInput } from '../../../src/admin/triggers/trigger-input';
import { ValidationError } from '../../../src/scheduler';

describe('normalizeTrigger', () => {
  it('keeps camelCase, converts snake_case and the APScheduler form', () => {
    expect(normalizeTrigger({ type: 'cron', dayOfWeek: 'mon' })).toEqual({ type: 'cron', dayOfWeek: 'mon' });
    expect(normalizeTrigger({ type: 'interval', hours: 2, start_date: '2026-01-01' })).toEqual({
      type: 'interval',
      hours: 2,
      startDate: '2026-01-01',
    });
    expect(
      normalizeTrigger({ trigger: 'crontab', params: { expr: '0 9 * * 1' }, timezone: 'Europe/Paris' }),
    ).toEqual({
      type: 'cron',
      expr: '0 9 * * 1',
      timezone: 'Europe/Paris',
    });
    expect(
      normalizeTrigger({
        type: 'or',
        triggers: [
          { type: 'cron', day_of_week: 'sat' },
          { type: 'date', run_date: '2026-01-01' },
        ],
      }),
    ).toEqual({
      type: 'or',
      triggers: [
        { type: 'cron', dayOfWeek: 'sat' },
        { type: 'date', runDate: '2026-01-01' },
      ],
    });
  });

  it.each([
    [{ type: 'cron', day_of_weak: 'mon' }, 'trigger.day_of_weak'],
    [{ type: 'cron', dayOfWeek: 'mon', day_of_week: 'tue' }, 'trigger.day_of_week'],
    [{ type: 'or', triggers: [{ type: 'cron', bogus: 1 }] }, 'trigger.triggers[0].bogus'],
    [{ type: 'nope' }, 'trigger.type'],
    [{ hour: 1 }, 'trigger.type'],
    [{ trigger: 'cron', params: [] }, 'trigger.params'],
    [{ trigger: 'cron', extra: 1 }, 'trigger.extra'],
    ['cron', 'trigger'],
  ])('%j is refused naming %s', (input, field) => {
    expect(() => normalizeTrigger(input)).toThrow(expect.objectContaining({ field }));
  });

  it('prefixes the engine’s field names', () => {
    expect(() => parseTriggerInput({ type: 'cron', hour: 24 })).toThrow(ValidationError);
    expect(() => parseTriggerInput({ type: 'cron', hour: 24 })).toThrow(
      expect.objectContaining({ field: 'trigger.hour' }),
    );
    expect(() => parseTriggerInput({ type: 'cron', hour: 1, timezone: 'No/Where' })).toThrow(
      expect.objectContaining({ field: 'trigger.timezone' }),
    );
  });
});
