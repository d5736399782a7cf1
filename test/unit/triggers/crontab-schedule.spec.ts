import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { ValidationError } from '../../../src/scheduler/errors';
import { triggerFromJSON } from '../../../src/scheduler/triggers';
import { CrontabSchedule } from '../../../src/scheduler/triggers/cron/crontab-schedule';

/**
 * CrontabSchedule must give cron-parser's own answers (its `next()` in UTC, where it has no DST),
 * quirks included, for crontab syntax as people write it.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A value, a range, a step or a list of those, in [min, max], with names where the field has them. */
function field(min: number, max: number, names?: string[]): fc.Arbitrary<string> {
  const value = fc.integer({ min, max });
  const show = (v: number, named: boolean): string =>
    named && names && v - min < names.length ? names[v - min] : String(v);
  const named = fc.boolean();
  const range = fc.tuple(value, value).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  const step = fc.integer({ min: 1, max: Math.max(1, Math.ceil((max - min) / 2)) });
  const atom = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(value, named).map(([v, n]) => show(v, n)) },
    { weight: 3, arbitrary: fc.tuple(range, named).map(([[a, b], n]) => `${show(a, n)}-${show(b, n)}`) },
    { weight: 2, arbitrary: step.map((s) => `*/${s}`) },
    { weight: 1, arbitrary: fc.tuple(value, step).map(([a, s]) => `${a}/${s}`) },
    { weight: 1, arbitrary: fc.tuple(range, step).map(([[a, b], s]) => `${a}-${b}/${s}`) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('*') },
    { weight: 4, arbitrary: atom },
    { weight: 2, arbitrary: fc.array(atom, { minLength: 2, maxLength: 4 }).map((a) => a.join(',')) },
  );
}

const dayOfMonth = fc.oneof(
  { weight: 6, arbitrary: field(1, 31) },
  { weight: 1, arbitrary: fc.constant('?') },
  { weight: 2, arbitrary: fc.constant('L') },
  { weight: 1, arbitrary: field(1, 31).map((f) => (f === '*' ? 'L' : `${f},L`)) },
);
const weekday = fc.integer({ min: 0, max: 7 });
const dayOfWeek = fc.oneof(
  { weight: 6, arbitrary: field(0, 7, DAYS) },
  { weight: 1, arbitrary: fc.constant('?') },
  { weight: 2, arbitrary: weekday.map((d) => `${d}L`) },
  { weight: 1, arbitrary: fc.tuple(weekday, weekday).map(([a, b]) => `${a},${b}L`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(weekday, fc.integer({ min: 1, max: 5 }), fc.boolean())
      .map(([d, n, named]) => `${named ? DAYS[d % 7] : d}#${n}`),
  },
);
const fiveFields = fc
  .tuple(field(0, 59), field(0, 23), dayOfMonth, field(1, 12, MONTHS), dayOfWeek)
  .map((f) => f.join(' '));
const crontab = fc.oneof(
  { weight: 12, arbitrary: fiveFields },
  { weight: 4, arbitrary: fc.tuple(field(0, 59), fiveFields).map(([s, rest]) => `${s} ${rest}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '@yearly',
      '@monthly',
      '@weekly',
      '@daily',
      '@hourly',
      '@weekdays',
      '@weekends',
    ),
  },
);
/** 1990-2110: spans the non-leap 2100; any millisecond, as cron-parser's current date may have one. */
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2110, 0, 1) });

function parse(expr: string, currentDate: number) {
  return CronExpressionParser.parse(expr, { currentDate: new Date(currentDate), tz: 'UTC', strict: false });
}

/**
 * cron-parser's next() after `t`, or null when it gives up. After 10,000 steps it throws, or (off
 * by one) returns wherever its cursor stopped: an answer that does not match is giving up too.
 */
function theirNext(expr: string, t: number): number | null {
  try {
    const expression = parse(expr, t);
    const next = expression.next();
    return expression.includesDate(next.toDate()) ? next.getTime() : null;
  } catch {
    return null;
  }
}

/** next() is strictly after its current date, whole seconds: the first match >= the next second. */
const ourNext = (schedule: CrontabSchedule, t: number): number | null =>
  schedule.nextMatch(Math.floor(t / 1000) * 1000 + 1000);

const RUNS = 3000;
const FIRES_PER_RUN = 3;

describe('CrontabSchedule equals cron-parser (UTC)', () => {
  test(`${RUNS} random expressions × ${FIRES_PER_RUN} consecutive fires from random instants`, () => {
    let compared = 0;
    let theyGaveUp = 0;
    fc.assert(
      fc.property(crontab, instant, (expr, start) => {
        let fields;
        try {
          fields = parse(expr, start).fields;
        } catch {
          fc.pre(false); // not valid crontab for cron-parser (e.g. a duplicate value in a list)
          return;
        }
        const schedule = new CrontabSchedule(fields);
        let t = start;
        for (let i = 0; i < FIRES_PER_RUN; i++) {
          const theirs = theirNext(expr, t);
          const ours = ourNext(schedule, t);
          if (theirs === null) {
            // cron-parser gave up (sparse, e.g. a 5th Sunday in February): ours must still match.
            theyGaveUp++;
            if (ours !== null) expect(parse(expr, 0).includesDate(new Date(ours))).toBe(true);
            return;
          }
          compared++;
          expect([expr, new Date(t).toISOString(), ours && new Date(ours).toISOString()]).toEqual([
            expr,
            new Date(t).toISOString(),
            new Date(theirs).toISOString(),
          ]);
          t = theirs;
        }
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS * FIRES_PER_RUN * 0.9);
    expect(theyGaveUp).toBeLessThan(RUNS * 0.05);
  }, 300_000);

  const cases: Array<[string, string, string]> = [
    ['0 0 * * 5L', '2024-02-01T00:00:00Z', '2024-02-23T00:00:00.000Z'],
    ['0 0 * * 15L', '2024-02-01T00:00:00Z', '2024-02-26T00:00:00.000Z'], // cron-parser reads '1' of '15L'
    ['0 0 L * *', '2100-02-01T00:00:00Z', '2100-02-28T00:00:00.000Z'],
    ['0 0 29 2 *', '2097-03-01T00:00:00Z', '2104-02-29T00:00:00.000Z'],
    ['0 0 29 2 1', '2025-03-01T00:00:00Z', '2026-02-02T00:00:00.000Z'], // either day rule, in February
    ['0 0 1 * 5#1', '2024-03-02T00:00:00Z', '2024-04-01T00:00:00.000Z'], // # narrows the either-rule
    ['0 0 * * 7', '2024-01-01T00:00:00Z', '2024-01-07T00:00:00.000Z'],
    ['59 59 23 31 12 *', '2024-12-31T23:59:59Z', '2025-12-31T23:59:59.000Z'],
  ];
  test.each(cases)('%s after %s', (expr, from, expected) => {
    const t = Date.parse(from);
    expect(new Date(theirNext(expr, t) ?? NaN).toISOString()).toBe(expected);
    expect(new Date(ourNext(new CrontabSchedule(parse(expr, t).fields), t) ?? NaN).toISOString()).toBe(
      expected,
    );
  });

  test('never-matching expressions and a bare L in day-of-week are validation errors', () => {
    for (const expr of ['0 0 31 2 *', '0 0 30 2 *', '0 0 * * L', '0 0 * * 1,L'])
      expect(() => triggerFromJSON({ type: 'cron', expr })).toThrow(ValidationError);
  });
});
