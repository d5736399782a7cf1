import { DateTime } from 'luxon';
import { triggerFromJSON, type TriggerSpec } from '../../../src/scheduler/triggers';
import { crontabAsFields, referenceCronFires, type CronParams } from './reference';

/**
 * The next-fire search asked from every instant across UTC-offset changes, against the brute-force
 * reference (reference.ts, luxon only): a search starting inside a gap, inside either pass of a
 * repeated hour or right after a change must find exactly the reference's next fire, and the
 * chain fire → next fire must walk the reference's list without skipping or repeating one.
 */

const ZONES = [
  'America/New_York', // 1 h at 02:00
  'Europe/Berlin', // 1 h at 02:00 / 03:00
  'Australia/Lord_Howe', // 30 min
  'Pacific/Chatham', // 1 h on a +12:45 base
  'America/Santiago', // at midnight: the repeated / skipped hour is 23:00 or 00:00
  'Europe/London',
];
const YEARS = [2024, 2025];

/** APScheduler cron fields (snake_case, as the reference reads them) or a crontab string. */
const SPECS: { label: string; params?: CronParams; expr?: string; horizonHours: number }[] = [
  { label: 'minute */10', params: { minute: '*/10' }, horizonHours: 2 },
  { label: 'minute 30', params: { minute: 30 }, horizonHours: 2 },
  { label: 'minute */7 second 30', params: { minute: '*/7', second: 30 }, horizonHours: 2 },
  { label: 'hour 0-4 minute 15,45', params: { hour: '0-4', minute: '15,45' }, horizonHours: 26 },
  { label: 'hour 2 minute 30', params: { hour: 2, minute: 30 }, horizonHours: 26 },
  { label: 'hour 23,0 minute */20', params: { hour: '23,0', minute: '*/20' }, horizonHours: 26 },
  { label: "crontab '*/15 * * * *'", expr: '*/15 * * * *', horizonHours: 2 },
];

const HOUR_MS = 3_600_000;
/** Start instants are probed from 5 h before to 5 h after each change. */
const SPAN_MS = 5 * HOUR_MS;
/** Every 60 s, plus odd instants (seconds and milliseconds) so starts are not all on the grid. */
const STARTS_STEP_MS = 60_000;
const ODD_OFFSETS_MS = [0, 1, 29_999, 59_999];

/** The instants in `year` where `zone`'s UTC offset changes (found with luxon, by hour then ms). */
function transitions(zone: string, year: number): number[] {
  const out: number[] = [];
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < end; t += HOUR_MS) {
    if (offset(t) === offset(t + HOUR_MS)) continue;
    let [lo, hi] = [t, t + HOUR_MS];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

function specFor(s: (typeof SPECS)[number], zone: string): TriggerSpec {
  if (s.expr) return { type: 'cron', expr: s.expr, timezone: zone };
  const { day_of_week: _dow, ...rest } = s.params as Record<string, string | number>;
  return { type: 'cron', ...rest, timezone: zone } as TriggerSpec;
}

const cases = ZONES.flatMap((zone) =>
  YEARS.flatMap((year) => transitions(zone, year).map((at) => ({ zone, at }))),
);

let probes = 0;

afterAll(() => {
  // Printed for the closing note: how many starting instants the properties covered.
  process.stdout.write(`dst-search properties: ${cases.length} transitions, ${probes} searches\n`);
});

describe.each(SPECS)('next fire across offset changes: $label', (s) => {
  test.each(cases.map((c) => [c.zone, new Date(c.at).toISOString(), c.at] as const))(
    '%s, change at %s',
    (zone, _label, at) => {
      const params = s.expr ? crontabAsFields(s.expr) : (s.params as CronParams);
      const from = at - SPAN_MS - s.horizonHours * HOUR_MS;
      const until = at + SPAN_MS + s.horizonHours * HOUR_MS;
      const expected = referenceCronFires(params, zone, from, 100_000, until);
      const trigger = triggerFromJSON(specFor(s, zone));
      const nextExpected = (start: number) => expected.find((f) => f >= start);

      for (let base = at - SPAN_MS; base <= at + SPAN_MS; base += STARTS_STEP_MS) {
        for (const odd of ODD_OFFSETS_MS) {
          const start = base + odd;
          const want = nextExpected(start);
          if (want === undefined) throw new Error(`reference window too short after ${start}`);
          const got = trigger.getNextFireTime(null, new Date(start))?.getTime();
          probes++;
          if (got !== want)
            throw new Error(
              `${zone} ${s.label}: from ${new Date(start).toISOString()} expected ` +
                `${new Date(want).toISOString()}, got ${got === undefined ? 'none' : new Date(got).toISOString()}`,
            );
        }
      }
      // The chain the scheduler walks: each fire's successor is the reference's next one.
      const chain = expected.filter((f) => f >= at - SPAN_MS && f <= at + SPAN_MS);
      for (let i = 0; i + 1 < chain.length; i++) {
        const got = trigger.getNextFireTime(new Date(chain[i]), new Date(chain[i]))?.getTime();
        probes++;
        expect(new Date(got ?? 0).toISOString()).toBe(new Date(chain[i + 1]).toISOString());
      }
    },
  );
});

test('the reported case: New York, from 01:30 EST on 2024-11-03, minute */10 keeps 02:00-02:20 EST', () => {
  const trigger = triggerFromJSON({ type: 'cron', minute: '*/10', timezone: 'America/New_York' });
  const fires: string[] = [];
  let previous: Date | null = null;
  for (let i = 0; i < 4; i++) {
    const fire: Date | null = trigger.getNextFireTime(previous, previous ?? new Date('2024-11-03T06:30:00Z'));
    fires.push(fire?.toISOString() ?? 'none');
    previous = fire;
  }
  expect(fires).toEqual([
    '2024-11-03T07:00:00.000Z', // 02:00 EST (01:30-01:50 already fired on the EDT pass)
    '2024-11-03T07:10:00.000Z',
    '2024-11-03T07:20:00.000Z',
    '2024-11-03T07:30:00.000Z',
  ]);
});
