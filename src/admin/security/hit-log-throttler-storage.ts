import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the guard reads back (the shape of @nestjs/throttler's ThrottlerStorageRecord). */
export interface ThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** The expiry times of one counter's hits, oldest first; expired ones leave from the front. */
class HitLog {
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }

  push(expiresAt: number): void {
    this.times.push(expiresAt);
  }

  /**
   * Drops the hits expired by `now`. Hits are appended in time order, so the expired ones are a
   * prefix (were the clock ever to step back, a later expiry would keep earlier ones counted a
   * little longer: more counted, never fewer).
   */
  prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head] <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  /** The oldest hit's expiry, or undefined when none is counted. */
  first(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }

  /** Whether any hit counted is still live at `now`. */
  live(now: number): boolean {
    return this.size > 0 && this.times[this.times.length - 1] > now;
  }
}

interface Counter {
  hits: HitLog;
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The throttler's in-memory storage with @nestjs/throttler's own semantics (a sliding log of hits
 * per key over `ttl`, blocked for `blockDuration` once past the limit, the same record returned),
 * but O(1) per request: the library's ThrottlerStorageService filters every hit of the last `ttl`
 * on each request (and spreads them into Math.min), so at 1,000 requests a second from one client
 * each request walked 60,000 entries. Counters of idle keys are swept every minute.
 */
export class HitLogThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    return this.hit(`${throttlerName}\u0000${key}`, ttl, limit, blockDuration);
  }

  private hit(id: string, ttl: number, limit: number, blockDuration: number): ThrottlerRecord {
    this.startSweep();
    const now = this.now();
    let c = this.counters.get(id);
    if (!c) {
      c = { hits: new HitLog(), expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false };
      this.counters.set(id, c);
    }
    c.hits.prune(now);
    if (Math.ceil((c.expiresAt - now) / 1000) <= 0) c.expiresAt = now + ttl;
    const timeToExpire = Math.ceil((c.expiresAt - now) / 1000);
    if (blockDuration <= 0) {
      const blocked = c.hits.size >= limit;
      if (!blocked) c.hits.push(now + ttl);
      return {
        totalHits: c.hits.size + (blocked ? 1 : 0),
        timeToExpire,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? Math.ceil(((c.hits.first() ?? now) - now) / 1000) : 0,
      };
    }
    if (!c.isBlocked) c.hits.push(now + ttl);
    if (c.hits.size > limit && !c.isBlocked) {
      c.isBlocked = true;
      c.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((c.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && c.isBlocked) {
      c.isBlocked = false;
      c.hits.clear();
      c.hits.push(now + ttl);
    }
    return { totalHits: c.hits.size, timeToExpire, isBlocked: c.isBlocked, timeToBlockExpire };
  }

  private startSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.evictIdle(), SWEEP_INTERVAL_MS);
    this.sweep.unref();
  }

  /** Forgets counters with no live hit, no running window and no block (as the library's sweep). */
  evictIdle(now = this.now()): void {
    for (const [id, c] of this.counters) {
      if (c.isBlocked && c.blockExpiresAt > now) continue;
      if (c.expiresAt > now) continue;
      if (c.hits.live(now)) continue;
      this.counters.delete(id);
    }
  }

  /** Counters held (tests). */
  get size(): number {
    return this.counters.size;
  }

  onApplicationShutdown(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    this.counters.clear();
  }
}
