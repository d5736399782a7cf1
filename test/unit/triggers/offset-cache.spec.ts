import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { cachedOffset } from '../../../src/scheduler/triggers/offset-cache';

describe('cached zone offsets', () => {
  test('agree with luxon at any instant, including right at transitions', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'America/Sao_Paulo',
      'Asia/Tehran',
      'UTC',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2045, 0, 1) }),
        (name, instant) => {
          const zone = IANAZone.create(name);
          expect(cachedOffset(zone, instant)).toBe(zone.offset(instant));
        },
      ),
      { numRuns: 2000 },
    );
    const berlin = IANAZone.create('Europe/Berlin');
    const jump = Date.UTC(2024, 2, 31, 1); // 02:00 CET → 03:00 CEST
    expect([cachedOffset(berlin, jump - 1), cachedOffset(berlin, jump)]).toEqual([60, 120]);
  });
});
