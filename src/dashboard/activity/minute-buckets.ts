/**
 * Per-minute activity of one replica over the last hour, small enough to publish in its heartbeat
 * and mergeable across replicas: counts per minute and latencies as fixed-bound histograms (the
 * same bounds everywhere, so merging is adding and percentiles are read from the merged counts).
 */

/** Upper bounds (seconds) of the latency buckets; the last bucket is everything above. */
export const LATENCY_BOUNDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800,
] as const;

export interface MinuteActivity {
  /** Start of the minute, epoch ms. */
  minute: number;
  fires: number;
  errors: number;
  /** Fire lateness (start - scheduled) counts per LATENCY_BOUNDS bucket (+1 overflow). */
  lateness: number[];
  published: number;
  /** Outbox commit → broker ack counts per bucket. */
  publishLatency: number[];
}

export const WINDOW_MINUTES = 60;
const MINUTE = 60_000;

function bucketOf(seconds: number): number {
  const i = LATENCY_BOUNDS.findIndex((b) => seconds <= b);
  return i < 0 ? LATENCY_BOUNDS.length : i;
}

const emptyCounts = (): number[] => new Array<number>(LATENCY_BOUNDS.length + 1).fill(0);

export class ActivityWindow {
  private readonly minutes = new Map<number, MinuteActivity>();

  recordFire(at: Date, latenessSeconds: number | null, ok: boolean): void {
    const m = this.at(at);
    m.fires++;
    if (!ok) m.errors++;
    if (latenessSeconds !== null) m.lateness[bucketOf(Math.max(0, latenessSeconds))]++;
  }

  recordPublished(at: Date, latenciesMs: number[]): void {
    const m = this.at(at);
    m.published += latenciesMs.length;
    for (const ms of latenciesMs) m.publishLatency[bucketOf(Math.max(0, ms) / 1000)]++;
  }

  /** The minutes of the last hour before `now` that saw anything, oldest first. */
  snapshot(now: Date): MinuteActivity[] {
    const from = Math.floor(now.getTime() / MINUTE) * MINUTE - (WINDOW_MINUTES - 1) * MINUTE;
    for (const key of this.minutes.keys()) if (key < from) this.minutes.delete(key);
    return [...this.minutes.values()]
      .sort((a, b) => a.minute - b.minute)
      .map((m) => ({ ...m, lateness: [...m.lateness], publishLatency: [...m.publishLatency] }));
  }

  private at(when: Date): MinuteActivity {
    const minute = Math.floor(when.getTime() / MINUTE) * MINUTE;
    let m = this.minutes.get(minute);
    if (!m) {
      m = {
        minute,
        fires: 0,
        errors: 0,
        lateness: emptyCounts(),
        published: 0,
        publishLatency: emptyCounts(),
      };
      this.minutes.set(minute, m);
    }
    return m;
  }
}

/** Adds the minutes of several replicas into one series covering the whole hour (empty minutes 0). */
export function mergeActivity(series: MinuteActivity[][], now: Date): MinuteActivity[] {
  const end = Math.floor(now.getTime() / MINUTE) * MINUTE;
  const out: MinuteActivity[] = [];
  for (let i = WINDOW_MINUTES - 1; i >= 0; i--) {
    out.push({
      minute: end - i * MINUTE,
      fires: 0,
      errors: 0,
      lateness: emptyCounts(),
      published: 0,
      publishLatency: emptyCounts(),
    });
  }
  const byMinute = new Map(out.map((m) => [m.minute, m]));
  for (const list of series)
    for (const m of list) {
      const into = byMinute.get(m.minute);
      if (!into) continue;
      into.fires += m.fires;
      into.errors += m.errors;
      into.published += m.published;
      m.lateness.forEach((n, i) => (into.lateness[i] = (into.lateness[i] ?? 0) + n));
      m.publishLatency.forEach((n, i) => (into.publishLatency[i] = (into.publishLatency[i] ?? 0) + n));
    }
  return out;
}

/**
 * The q-quantile (0..1) of a bucketed histogram, in seconds: linear inside the bucket that holds
 * it (as Prometheus' histogram_quantile does); null without observations. The overflow bucket
 * answers its lower bound.
 */
export function quantile(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS[i - 1];
      if (i >= LATENCY_BOUNDS.length) return lower;
      const upper = LATENCY_BOUNDS[i];
      return lower + (upper - lower) * ((rank - seen) / counts[i]);
    }
    seen += counts[i];
  }
  return LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1];
}

/** Sums several histograms. */
export function addCounts(all: number[][]): number[] {
  const out = emptyCounts();
  for (const c of all) c.forEach((n, i) => (out[i] = (out[i] ?? 0) + n));
  return out;
}
