import { ValidationError } from '../../../src/scheduler/errors';
import { TriggerCache } from '../../../src/scheduler/trigger-cache';
import type { TriggerSpec } from '../../../src/scheduler/triggers';
import { resolveZone } from '../../../src/scheduler/triggers/zone-time';

const hourly: TriggerSpec = { type: 'cron', minute: 0, timezone: 'Europe/Berlin' };

describe('TriggerCache', () => {
  test('the same spec (even a fresh copy) gives the same trigger; a changed one another', () => {
    const cache = new TriggerCache(Math.random);
    const first = cache.get(hourly);
    expect(cache.get(JSON.parse(JSON.stringify(hourly)) as TriggerSpec)).toBe(first);
    expect(cache.get({ ...hourly, minute: 30 } as TriggerSpec)).not.toBe(first);
  });

  test('date triggers are built each time and not kept', () => {
    const cache = new TriggerCache(Math.random);
    const spec: TriggerSpec = { type: 'date', runDate: '2030-01-01T00:00:00Z' };
    expect(cache.get(spec)).not.toBe(cache.get(spec));
    expect(cache.size).toBe(0);
  });

  test('keeps at most `capacity` entries, dropping the least recently used', () => {
    const cache = new TriggerCache(Math.random, 2);
    const a = cache.get({ type: 'interval', seconds: 1 });
    const b = cache.get({ type: 'interval', seconds: 2 });
    expect(cache.get({ type: 'interval', seconds: 1 })).toBe(a); // now the most recent
    cache.get({ type: 'interval', seconds: 3 }); // evicts seconds: 2
    expect(cache.size).toBe(2);
    expect(cache.get({ type: 'interval', seconds: 1 })).toBe(a);
    expect(cache.get({ type: 'interval', seconds: 2 })).not.toBe(b);
  });

  test('a shared trigger with jitter still draws a new delay on every call', () => {
    let draws = 0;
    const cache = new TriggerCache(() => [0, 0.5, 0.99][draws++ % 3]);
    const spec: TriggerSpec = {
      type: 'interval',
      seconds: 60,
      jitter: 10,
      startDate: '2030-01-01T00:00:00Z',
    };
    const now = new Date('2030-01-01T00:00:30Z');
    const delays = [0, 1, 2].map(
      () =>
        (cache.get(spec).getNextFireTime(null, now) as Date).getTime() - Date.parse('2030-01-01T00:01:00Z'),
    );
    expect(delays).toEqual([0, 5000, 9900]);
  });

  test('bad specs throw the usual ValidationError and are not cached', () => {
    const cache = new TriggerCache(Math.random);
    const bad = { type: 'cron', hour: 25 } as TriggerSpec;
    for (let i = 0; i < 2; i++) {
      expect(() => cache.get(bad)).toThrow(ValidationError);
      expect(() => cache.get(bad)).toThrow(expect.objectContaining({ field: 'trigger.hour' }));
    }
    expect(cache.size).toBe(0);
  });
});

describe('resolveZone cache', () => {
  test('a valid zone is validated once and reused; an unknown one always fails', () => {
    expect(resolveZone('timezone', 'Asia/Tokyo')).toBe(resolveZone('timezone', 'Asia/Tokyo'));
    for (let i = 0; i < 2; i++)
      expect(() => resolveZone('timezone', 'Mars/Olympus')).toThrow(ValidationError);
  });
});
