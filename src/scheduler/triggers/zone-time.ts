import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors';
import { parseCanonicalUtc } from '../validation/utc-text';
import { cachedOffset, nextTransition } from './offset-cache';

/**
 * Wall-clock helpers shared by every trigger. A "wall" value is the local date-time encoded as
 * if it were UTC milliseconds (Date.UTC(y, m, d, ...)), so calendar arithmetic stays plain
 * integer math and the zone is consulted only when converting to and from real instants.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Zones already validated. isValidZone builds an Intl.DateTimeFormat on each call (about half the
 * scheduler's CPU when triggers are rebuilt per fire); the set of zone names in use is small.
 * Unknown names are not cached; valid ones are bounded anyway, as Intl accepts any letter case.
 */
const validZones = new Map<string, IANAZone>();
const MAX_CACHED_ZONES = 1_000;

/** A validated IANA zone. An unknown name is a ValidationError, never a silent UTC. */
export function resolveZone(field: string, name: string | undefined): IANAZone {
  const zoneName = name ?? 'UTC';
  const cached = typeof zoneName === 'string' ? validZones.get(zoneName) : undefined;
  if (cached) return cached;
  if (typeof zoneName !== 'string' || !IANAZone.isValidZone(zoneName)) {
    throw new ValidationError(field, `unknown time zone '${String(zoneName)}'`);
  }
  const zone = IANAZone.create(zoneName);
  if (validZones.size >= MAX_CACHED_ZONES) validZones.clear();
  validZones.set(zoneName, zone);
  return zone;
}

/** UTC offset in ms at an instant. */
function offsetAt(zone: IANAZone, instantMs: number): number {
  return cachedOffset(zone, instantMs) * MINUTE_MS;
}

/** The wall-clock value (see above) of an instant in `zone`. */
export function toWall(zone: IANAZone, instantMs: number): number {
  return instantMs + offsetAt(zone, instantMs);
}

/**
 * The instant of a wall-clock time under the project's DST rule: a time that occurs twice maps to
 * its earlier instant; a time skipped by a spring-forward gap is shifted forward by the gap
 * (02:30 in a 1-hour gap fires at 03:30 local). Non-decreasing in `wallMs`.
 */
export function fromWall(zone: IANAZone, wallMs: number): number {
  // The real instant lies within ±14 h of the wall value; the offsets there are the only candidates.
  const before = offsetAt(zone, wallMs - 14 * HOUR_MS);
  const after = offsetAt(zone, wallMs + 14 * HOUR_MS);
  if (before === after) return wallMs - before; // no transition nearby: the common case
  const here = offsetAt(zone, wallMs);
  let best = Number.POSITIVE_INFINITY;
  for (const candidate of [before, here, after]) {
    const instant = wallMs - candidate;
    if (instant < best && offsetAt(zone, instant) === candidate) best = instant;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // In a gap: reading the wall time with the offset from before the jump lands `gap` later.
  return wallMs - Math.min(before, here, after);
}

/**
 * The first instant >= `startMs` whose wall time `nextMatch` accepts, under the DST rule of
 * fromWall, or null. `nextMatch(wall)` returns the first matching whole-second wall value >= wall.
 *
 * fromWall is not monotonic right after a spring-forward jump (a gap time shifted by the gap
 * lands among the real times after the jump), so near a transition the search also starts from
 * `startMs` read with each nearby offset and keeps the earliest result.
 */
export function firstFireAtOrAfter(
  zone: IANAZone,
  startMs: number,
  nextMatch: (wallMs: number) => number | null,
): number | null {
  const here = offsetAt(zone, startMs);
  const offsets = new Set([
    offsetAt(zone, startMs - 14 * HOUR_MS),
    here,
    offsetAt(zone, startMs + 14 * HOUR_MS),
  ]);
  let best: number | null = null;
  for (const offset of offsets) {
    const found = searchFrom(zone, startMs, Math.ceil((startMs + offset) / 1000) * 1000, nextMatch);
    if (found !== null && (best === null || found < best)) best = found;
  }
  return best;
}

function searchFrom(
  zone: IANAZone,
  startMs: number,
  fromWallMs: number,
  nextMatch: (wallMs: number) => number | null,
): number | null {
  let cursor = fromWallMs;
  for (let round = 0; round < 8; round++) {
    const match = nextMatch(cursor);
    if (match === null) return null;
    const instant = fromWall(zone, match);
    if (instant >= startMs) return instant;
    // Too early: no wall time before `startMs` read with the match's offset can do better. When
    // the match is a repeated time and `startMs` lies in the fold's second pass, every wall time
    // left in the fold already fired on its first pass, and the first one after the fold (its
    // end, earlier than `startMs` read with that offset) is the next candidate.
    let next = Math.ceil((startMs + offsetAt(zone, instant)) / 1000) * 1000;
    const end = foldEnd(zone, match, instant);
    if (end !== null) next = Math.min(next, Math.ceil(end / 1000) * 1000);
    cursor = Math.max(match + 1000, next);
  }
  return null;
}

/**
 * When `wallMs` occurs twice (a fall-back fold) and `instant` is its first pass, the wall value
 * at which the fold ends (the first wall time after it that occurs once); otherwise null.
 */
function foldEnd(zone: IANAZone, wallMs: number, instant: number): number | null {
  const early = offsetAt(zone, instant);
  const transition = nextTransition(zone, instant);
  const late = offsetAt(zone, transition);
  if (late >= early || wallMs - late < transition) return null;
  return transition + early;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses a trigger date: ISO 8601 with an offset (or Z), or a naive `YYYY-MM-DD[ HH:mm[:ss[.SSS]]]`
 * read as wall-clock time in `zone` (DST rule as in `fromWall`).
 */
export function parseTriggerDate(field: string, value: unknown, zone: IANAZone): Date {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a date string');
  // What toISOString writes (every order timeout's run date): the instant luxon reads, without
  // luxon or a toISOString round trip; impossible dates (Feb 30) fall through and are refused below.
  const canonical = parseCanonicalUtc(value);
  if (canonical !== null) return new Date(canonical);
  const naive = NAIVE.exec(value);
  if (naive) {
    const [, y, mo, d, h, mi, s, ms] = naive;
    const parts = [y, mo, d, h ?? '0', mi ?? '0', s ?? '0'].map(Number);
    const millis = ms ? Number(ms.padEnd(3, '0')) : 0;
    const probe = DateTime.fromObject(
      { year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5] },
      { zone: 'UTC' },
    );
    if (!probe.isValid) throw new ValidationError(field, `'${value}' is not a valid date`);
    const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], millis);
    return new Date(fromWall(zone, wall));
  }
  if (WITH_OFFSET.test(value)) {
    const parsed = DateTime.fromISO(value, { setZone: true });
    if (parsed.isValid) return parsed.toJSDate();
  }
  throw new ValidationError(field, `'${value}' is not an ISO date with offset or 'YYYY-MM-DD HH:mm:ss'`);
}

/** Inclusive start / end pair check shared by the triggers that take both. */
export function checkDateOrder(start: Date | undefined, end: Date | undefined): void {
  if (start && end && start.getTime() > end.getTime()) {
    throw new ValidationError('endDate', 'must not be before startDate');
  }
}
