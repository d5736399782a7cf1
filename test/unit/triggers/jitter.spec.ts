import fc from 'fast-check';
import { triggerFromJSON } from '../../../src/scheduler/triggers';

describe('jitter', () => {
  const now = new Date('2024-01-01T00:00:00Z');

  test('the random source decides the delay, from 0 to the full jitter', () => {
    const spec = { type: 'cron' as const, minute: '*/10', jitter: 30 };
    expect(
      triggerFromJSON(spec, { random: () => 0 })
        .getNextFireTime(null, now)
        ?.toISOString(),
    ).toBe('2024-01-01T00:00:00.000Z');
    expect(
      triggerFromJSON(spec, { random: () => 0.5 })
        .getNextFireTime(null, now)
        ?.toISOString(),
    ).toBe('2024-01-01T00:00:15.000Z');
    expect(
      triggerFromJSON(spec, { random: () => 0.999999999 })
        .getNextFireTime(null, now)
        ?.toISOString(),
    ).toBe('2024-01-01T00:00:30.000Z');
  });

  test('never past the end date', () => {
    const trigger = triggerFromJSON(
      {
        type: 'interval',
        minutes: 10,
        startDate: '2024-01-01T00:00:00Z',
        endDate: '2024-01-01T00:10:05Z',
        jitter: 60,
      },
      { random: () => 0.99 },
    );
    expect(trigger.getNextFireTime(new Date('2024-01-01T00:00:30Z'), now)?.toISOString()).toBe(
      '2024-01-01T00:10:05.000Z',
    );
  });

  test('fires stay within [base, base + jitter] and after the previous fire, whatever the randoms', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 10,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 600 }),
        (randoms, jitter) => {
          let i = 0;
          const jittered = triggerFromJSON(
            { type: 'interval', seconds: 45, startDate: '2024-01-01T00:00:00Z', jitter },
            { random: () => randoms[i++ % randoms.length] },
          );
          const plain = triggerFromJSON({ type: 'interval', seconds: 45, startDate: '2024-01-01T00:00:00Z' });
          let previous: Date | null = null;
          for (let k = 0; k < 10; k++) {
            const fire = jittered.getNextFireTime(previous, now) as Date;
            const base = plain.getNextFireTime(previous, now) as Date;
            expect(fire.getTime()).toBeGreaterThanOrEqual(base.getTime());
            expect(fire.getTime()).toBeLessThanOrEqual(base.getTime() + jitter * 1000);
            if (previous) expect(fire.getTime()).toBeGreaterThan(previous.getTime());
            previous = fire;
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
