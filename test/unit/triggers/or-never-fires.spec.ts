import fc from 'fast-check';

import { ValidationError } from '../../../src/scheduler/errors';
import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';
import { createHarness } from '../scheduler/harness';

/**
 * Only a trigger that as a whole can never fire is refused: an `or` with a part that never fires
 * (Feb 30, a crontab for Feb 31) fires as its other parts do; an `and` with one, or an `or` of
 * nothing but such parts, is refused naming the part.
 */
const NEVER: TriggerSpec[] = [
  { type: 'cron', month: 2, day: 30 },
  { type: 'cron', month: 6, week: 1 },
  { type: 'cron', expr: '0 0 31 4,6 *' },
  { type: 'or', triggers: [{ type: 'cron', month: 2, day: 31 }] },
];
const ZONES = ['UTC', 'America/New_York', 'Australia/Lord_Howe', 'Europe/Berlin'];

function walk(spec: TriggerSpec, now: number, count: number): number[] {
  const trigger = triggerFromJSON(spec);
  const out: number[] = [];
  let previous: Date | null = null;
  while (out.length < count) {
    const fire: Date | null = trigger.getNextFireTime(previous, previous ?? new Date(now));
    if (!fire) break;
    out.push(fire.getTime());
    previous = fire;
  }
  return out;
}

const firing = fc.oneof(
  fc.record({
    type: fc.constant('cron' as const),
    hour: fc.constantFrom('*', '1-3', '*/5', '2'),
    minute: fc.constantFrom('0', '*/15', '30,45'),
    timezone: fc.constantFrom(...ZONES),
  }),
  fc.integer({ min: 1, max: 500 }).map((minutes) => ({
    type: 'interval' as const,
    minutes,
    startDate: '2024-01-01T00:00:00Z',
  })),
  fc.constantFrom('*/20 * * * *', '15 2 * * *', '0 0 L * *').map((expr) => ({
    type: 'cron' as const,
    expr,
    timezone: 'America/New_York',
  })),
);
const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });

describe('or/and with a part that can never fire', () => {
  test('property: an or with never-firing parts fires exactly as its firing part alone', () => {
    fc.assert(
      fc.property(
        firing,
        fc.subarray(NEVER, { minLength: 1 }),
        fc.nat(),
        instant,
        (live, dead, position, now) => {
          const parts = [...dead];
          parts.splice(position % (parts.length + 1), 0, live);
          expect(walk({ type: 'or', triggers: parts }, now, 5)).toEqual(walk(live, now, 5));
        },
      ),
      { numRuns: 100 },
    );
  });

  test.each(NEVER.map((spec) => [JSON.stringify(spec), spec] as const))(
    'property: an and holding %s is refused, naming the part',
    (_label, dead) => {
      fc.assert(
        fc.property(firing, fc.boolean(), (live, deadFirst) => {
          const triggers = deadFirst ? [dead, live] : [live, dead];
          let error: unknown = null;
          try {
            triggerFromJSON({ type: 'and', triggers });
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toMatch(
            new RegExp(`^triggers\\[${deadFirst ? 0 : 1}\\]\\.`),
          );
        }),
        { numRuns: 30 },
      );
    },
  );

  test('an or whose parts all never fire is refused, and so is each of them alone', () => {
    expect(() => triggerFromJSON({ type: 'or', triggers: NEVER })).toThrow(
      expect.objectContaining({
        field: 'triggers',
        reason: expect.stringContaining('no part can ever fire'),
      }),
    );
    for (const spec of NEVER) expect(() => triggerFromJSON(spec)).toThrow(ValidationError);
  });

  test('the scheduler adds such an or and runs it on its live part', async () => {
    const { scheduler, clock, history } = createHarness();
    scheduler.registerHandler('h', () => undefined);
    await scheduler.addJob({
      id: 'or',
      trigger: {
        type: 'or',
        triggers: [
          { type: 'cron', month: 2, day: 30 },
          { type: 'interval', seconds: 10 },
        ],
      },
      action: { handler: 'h' },
    });
    await scheduler.start();
    await clock.advanceAsync(35_000);
    expect((await history('or')).map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
    await scheduler.shutdown();
  });
});
