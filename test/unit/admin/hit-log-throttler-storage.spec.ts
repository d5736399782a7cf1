import { ThrottlerStorageService } from '@nestjs/throttler';

import { HitLogThrottlerStorage } from '../../../src/admin/security/hit-log-throttler-storage';

/** A seeded PRNG (mulberry32): the same sequence every run, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The O(1) storage must answer exactly what @nestjs/throttler's own in-memory storage answers.
describe('HitLogThrottlerStorage', () => {
  let now = 0;
  let spy: jest.SpyInstance<number, []>;

  beforeEach(() => {
    now = 1_700_000_000_000;
    spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => spy.mockRestore());

  const cases: Array<[string, number, number, number]> = [
    // name, ttl ms, limit, blockDuration ms
    ['blocking for the ttl (the admin API: blockDuration defaults to ttl)', 60_000, 5, 60_000],
    ['a block longer than the window', 1_000, 3, 5_000],
    ['a block shorter than the window', 10_000, 4, 1_500],
    ['no block duration (sliding limit only)', 2_000, 3, 0],
  ];

  it.each(cases)('answers as ThrottlerStorageService does: %s', async (_name, ttl, limit, block) => {
    const ours = new HitLogThrottlerStorage(() => now);
    const theirs = new ThrottlerStorageService();
    const random = prng(ttl + limit + block);
    try {
      for (let i = 0; i < 3000; i++) {
        // Bursts and pauses: steps from 0 ms to well past the window and the block.
        const r = random();
        now += r < 0.6 ? 0 : r < 0.9 ? Math.floor(random() * 400) : Math.floor(random() * ttl * 1.5);
        const key = random() < 0.8 ? 'client-a' : 'client-b';
        const expected = await theirs.increment(key, ttl, limit, block, 'default');
        const actual = await ours.increment(key, ttl, limit, block, 'default');
        expect({ i, ...actual }).toEqual({ i, ...expected });
      }
    } finally {
      theirs.onApplicationShutdown();
      ours.onApplicationShutdown();
    }
  });

  it('blocks past the limit and lets the client in again once the block has passed', async () => {
    const s = new HitLogThrottlerStorage(() => now);
    for (let i = 1; i <= 3; i++)
      expect(await s.increment('k', 60_000, 3, 60_000, 'default')).toMatchObject({
        totalHits: i,
        isBlocked: false,
      });
    expect(await s.increment('k', 60_000, 3, 60_000, 'default')).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    now += 60_000;
    expect(await s.increment('k', 60_000, 3, 60_000, 'default')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
    s.onApplicationShutdown();
  });

  it('keeps one counter per key and throttler name, and forgets idle ones', async () => {
    const s = new HitLogThrottlerStorage(() => now);
    await s.increment('a', 1_000, 10, 1_000, 'default');
    await s.increment('a', 1_000, 10, 1_000, 'other');
    expect(await s.increment('b', 1_000, 10, 1_000, 'default')).toMatchObject({ totalHits: 1 });
    expect(s.size).toBe(3);
    s.evictIdle(now + 500);
    expect(s.size).toBe(3);
    s.evictIdle(now + 1_000);
    expect(s.size).toBe(0);
    s.onApplicationShutdown();
  });

  it('costs the same per request however many hits the window holds', async () => {
    const s = new HitLogThrottlerStorage(() => now);
    for (let i = 0; i < 200_000; i++) {
      if (i % 100 === 0) now += 1;
      await s.increment('one-client', 60_000, 1e9, 60_000, 'default');
    }
    const t = performance.now();
    for (let i = 0; i < 10_000; i++) await s.increment('one-client', 60_000, 1e9, 60_000, 'default');
    // 10,000 requests over a 200,000-hit window: the library's filter would walk 2e9 entries.
    expect(performance.now() - t).toBeLessThan(1_000);
    s.onApplicationShutdown();
  });
});
