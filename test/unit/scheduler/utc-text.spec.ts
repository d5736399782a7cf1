import { isISO8601 } from 'class-validator';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';

import { isIsoInstant } from '../../../src/orders/dto/iso-instant';
import { toSqlTime } from '../../../src/persistence/sql-time';
import { parseTriggerDate } from '../../../src/scheduler/triggers/zone-time';
import { parseCanonicalUtc, utcDateTimeText } from '../../../src/scheduler/validation/utc-text';

// The shortcuts must change nothing: each is compared with the general code it stands in front of.

const YEAR_1000 = Date.UTC(1000, 0, 1);
const YEAR_10000 = Date.UTC(10000, 0, 1);
const oldSqlTime = (d: Date): string => d.toISOString().slice(0, 23).replace('T', ' ');
const luxonMs = (text: string): number | null => {
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : null;
};
/** isIsoInstant before the shortcut. */
const slowIsIsoInstant = (text: string): boolean =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
  isISO8601(text, { strict: true, strictSeparator: true }) &&
  !isNaN(Date.parse(text));

/** Canonical-looking text with any digits: real instants and February 30ths, hour 24, month 13… */
const digits = (n: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
const looksCanonical = fc
  .tuple(
    fc.oneof(fc.integer({ min: 1000, max: 9999 }).map(String), digits(4)),
    fc.oneof(
      fc.integer({ min: 1, max: 12 }).map((n) => String(n).padStart(2, '0')),
      digits(2),
    ),
    fc.oneof(fc.integer({ min: 28, max: 31 }).map(String), digits(2)),
    fc.oneof(fc.integer({ min: 22, max: 24 }).map(String), digits(2)),
    fc.oneof(fc.constantFrom('59', '60'), digits(2)),
    fc.oneof(fc.constantFrom('59', '60'), digits(2)),
    digits(3),
  )
  .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);

describe('utcDateTimeText (toSqlTime)', () => {
  it('writes what toISOString().slice(0, 23) with a space wrote, for every instant of years 1000-9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_1000, max: YEAR_10000 - 1 }), (ms) => {
        const date = new Date(ms);
        expect(utcDateTimeText(date)).toBe(oldSqlTime(date));
        expect(toSqlTime(date)).toBe(oldSqlTime(date));
      }),
      { numRuns: 5000 },
    );
  });

  it('other years and invalid dates take the old expression itself', () => {
    for (const ms of [0, -1, YEAR_1000 - 1, YEAR_10000, Date.UTC(-5, 3, 1)])
      expect(utcDateTimeText(new Date(ms))).toBe(oldSqlTime(new Date(ms)));
    expect(() => utcDateTimeText(new Date(NaN))).toThrow(RangeError);
  });
});

describe('parseCanonicalUtc', () => {
  it('reads every toISOString text of years 1000-9999 back to its instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_1000, max: YEAR_10000 - 1 }), (ms) => {
        expect(parseCanonicalUtc(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts only what luxon and the strict ISO check accept, as the same instant', () => {
    fc.assert(
      fc.property(looksCanonical, (text) => {
        const ms = parseCanonicalUtc(text);
        if (ms === null) return;
        expect(luxonMs(text)).toBe(ms);
        expect(slowIsIsoInstant(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    '2025-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2025-04-31T00:00:00.000Z',
    '2025-13-01T00:00:00.000Z',
    '2025-00-10T00:00:00.000Z',
    '2025-01-00T00:00:00.000Z',
    '2025-01-01T24:00:00.000Z',
    '2025-01-01T23:60:00.000Z',
    '2025-01-01T23:59:60.000Z',
    '0999-01-01T00:00:00.000Z',
    '2025-01-01T00:00:00Z',
    '2025-01-01T00:00:00.000+00:00',
    '2025-01-01 00:00:00.000Z',
    ' 2025-01-01T00:00:00.000Z',
    '+002025-01-01T00:00:00.000Z',
  ])('leaves %s to the general parser', (text) => {
    expect(parseCanonicalUtc(text)).toBeNull();
  });

  it('leap days of leap years are real dates', () => {
    expect(parseCanonicalUtc('2024-02-29T12:00:00.000Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseCanonicalUtc('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
  });
});

describe('callers of the shortcut decide as before', () => {
  const zone = IANAZone.create('Europe/Berlin');

  it('isIsoInstant: the same answer as the strict check alone', () => {
    fc.assert(
      fc.property(looksCanonical, (text) => {
        expect(isIsoInstant(text)).toBe(slowIsIsoInstant(text));
      }),
      { numRuns: 10_000 },
    );
  });

  it('parseTriggerDate: the instant luxon reads, or the same refusal', () => {
    fc.assert(
      fc.property(looksCanonical, (text) => {
        const expected = luxonMs(text);
        if (expected === null) expect(() => parseTriggerDate('runDate', text, zone)).toThrow(/runDate|ISO/);
        else expect(parseTriggerDate('runDate', text, zone).getTime()).toBe(expected);
      }),
      { numRuns: 4000 },
    );
  });
});
