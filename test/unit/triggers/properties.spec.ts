import fc from 'fast-check';
import { DateTime } from 'luxon';
import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';
import { wallMatchesFields, type CronParams } from './reference';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'America/Sao_Paulo',
];
const RANGES = {
  month: [1, 12],
  day: [1, 28],
  dayOfWeek: [0, 6],
  hour: [0, 23],
  minute: [0, 59],
  second: [0, 59],
} as const;
type Field = keyof typeof RANGES;

function fieldExpr(field: Field): fc.Arbitrary<string> {
  const [min, max] = RANGES[field];
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) }).map((n) => `*/${n}`),
    value.map(String),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.uniqueArray(value, { minLength: 2, maxLength: 4 }).map((vs) => vs.join(',')),
  );
}

const cronParams = fc.record(
  Object.fromEntries((Object.keys(RANGES) as Field[]).map((f) => [f, fieldExpr(f)])) as Record<
    Field,
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] },
);
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });
const zone = fc.constantFrom(...ZONES);

function walk(spec: TriggerSpec, now: number, count: number): number[] {
  const trigger = triggerFromJSON(spec);
  const out: number[] = [];
  let previous: Date | null = null;
  while (out.length < count) {
    const fire = trigger.getNextFireTime(previous, previous ?? new Date(now));
    if (!fire) break;
    out.push(fire.getTime());
    previous = fire;
  }
  return out;
}

const snake = (p: Partial<Record<Field, string>>): CronParams =>
  ({ ...p, day_of_week: p.dayOfWeek, dayOfWeek: undefined }) as CronParams;

describe('trigger properties', () => {
  test('cron: fires strictly increase, never before now, and their wall time matches the fields', () => {
    fc.assert(
      fc.property(cronParams, zone, instant, (params, tz, now) => {
        const fires = walk({ type: 'cron', ...params, timezone: tz }, now, 6);
        fires.forEach((fire, i) => {
          expect(fire).toBeGreaterThanOrEqual(i === 0 ? now : fires[i - 1] + 1);
          const local = DateTime.fromMillis(fire, { zone: tz });
          // A fire just after a spring-forward jump may be a skipped time shifted by the gap.
          const shifted = local.offset !== local.minus({ hours: 3 }).offset;
          if (!shifted) expect(wallMatchesFields(snake(params), local)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('interval and calendarinterval: increasing, never before now, never past the end date', () => {
    const spec = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 5000 }), instant).map(([minutes, start]) => ({
        type: 'interval' as const,
        minutes,
        startDate: new Date(start).toISOString(),
        endDate: new Date(start + 40 * 86_400_000).toISOString(),
      })),
      fc.record({
        type: fc.constant('calendarinterval' as const),
        months: fc.integer({ min: 0, max: 14 }),
        days: fc.integer({ min: 1, max: 40 }),
        hour: fc.integer({ min: 0, max: 23 }),
        startDate: instant.map((t) => new Date(t).toISOString().slice(0, 10)),
        endDate: fc.constant('2041-01-01'),
        timezone: zone,
        monthEnd: fc.constantFrom('skip' as const, 'clamp' as const),
      }),
    );
    fc.assert(
      fc.property(spec, instant, (s, now) => {
        const fires = walk(s, now, 8);
        const end = s.type === 'interval' ? Date.parse(s.endDate) : Date.UTC(2041, 0, 2, 12);
        fires.forEach((fire, i) => {
          expect(fire).toBeGreaterThanOrEqual(i === 0 ? now : fires[i - 1] + 1);
          expect(fire).toBeLessThanOrEqual(end);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('cron with an end date never fires past it', () => {
    fc.assert(
      fc.property(
        cronParams,
        zone,
        instant,
        fc.integer({ min: 1, max: 90 * 86_400_000 }),
        (params, tz, now, span) => {
          const endDate = new Date(now + span).toISOString();
          for (const fire of walk({ type: 'cron', ...params, timezone: tz, endDate }, now, 6))
            expect(fire).toBeLessThanOrEqual(now + span);
        },
      ),
      { numRuns: 200 },
    );
  });
});
