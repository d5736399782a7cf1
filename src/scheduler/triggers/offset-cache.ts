import type { IANAZone } from 'luxon';

/**
 * UTC offsets per zone, cached as spans of constant offset. luxon's IANAZone.offset formats the
 * instant through Intl on every call (tens of µs); triggers ask many times around the same dates.
 * A span is found once by probing a week at a time, then binary-searching the transition to the
 * millisecond. Assumes two offset changes are never less than a week apart (true for tzdata
 * since 1970).
 */

const WEEK_MS = 7 * 86_400_000;
const MAX_WEEKS = 26;
const MAX_SPANS_PER_ZONE = 512;

interface Span {
  start: number; // inclusive
  end: number; // exclusive
  offset: number; // minutes
}

const spansByZone = new Map<string, Span[]>();

/** The first instant in (from, to] whose offset is not `offset` (one change in the interval). */
function transitionAfter(zone: IANAZone, offset: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The last instant in [from, to) whose offset is not `offset`, plus one. */
function transitionBefore(zone: IANAZone, offset: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === offset) hi = mid;
    else lo = mid;
  }
  return hi;
}

function buildSpan(zone: IANAZone, instant: number): Span {
  const offset = zone.offset(instant);
  let end = instant;
  let weeks = 0;
  while (weeks < MAX_WEEKS && zone.offset(end + WEEK_MS) === offset)
    [end, weeks] = [end + WEEK_MS, weeks + 1];
  end = weeks < MAX_WEEKS ? transitionAfter(zone, offset, end, end + WEEK_MS) : end + 1;
  let start = instant;
  weeks = 0;
  while (weeks < MAX_WEEKS && zone.offset(start - WEEK_MS) === offset)
    [start, weeks] = [start - WEEK_MS, weeks + 1];
  start = weeks < MAX_WEEKS ? transitionBefore(zone, offset, start - WEEK_MS, start) : start;
  return { start, end, offset };
}

/** UTC offset in minutes at an instant (same answer as zone.offset, cached). */
export function cachedOffset(zone: IANAZone, instant: number): number {
  return spanAt(zone, instant).offset;
}

/** The first instant after `instant` whose offset differs from its own (the next transition). */
export function nextTransition(zone: IANAZone, instant: number): number {
  return spanAt(zone, instant).end;
}

function spanAt(zone: IANAZone, instant: number): Span {
  let spans = spansByZone.get(zone.name);
  if (!spans) spansByZone.set(zone.name, (spans = []));
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i];
    if (instant >= span.start && instant < span.end) return span;
  }
  if (spans.length >= MAX_SPANS_PER_ZONE) spans.length = 0;
  const span = buildSpan(zone, instant);
  spans.push(span);
  return span;
}
