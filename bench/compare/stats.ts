/** Lateness statistics over (scheduled, effect) pairs, in milliseconds. */

export interface EffectSample {
  /** Scheduled time of each observed effect (ms since epoch). */
  scheduledMs: Float64Array;
  /** When the effect was written (outbox created_at, Kafka message timestamp). */
  effectMs: Float64Array;
  /** Effects seen more than once for the same event id (doubled runs). */
  duplicates: number;
}

export interface LatenessSummary {
  effects: number;
  p50: number;
  p99: number;
  max: number;
  /** True when some expected effects never came: the percentiles then count them as late as the cutoff (lower bounds). */
  censored: boolean;
  firstEffectMs: number;
  lastEffectMs: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Lateness = effect - scheduled. Expected effects that never came count as `cutoffMs - scheduled`
 * for each missing one (at least that late), taking the latest scheduled times as the missing ones.
 */
export function summarize(
  sample: EffectSample,
  expected: number,
  cutoffMs: number,
  missingScheduled: (k: number) => number,
): LatenessSummary {
  const n = sample.effectMs.length;
  const missing = Math.max(0, expected - (n - sample.duplicates));
  const late = new Float64Array(n + missing);
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    late[i] = sample.effectMs[i] - sample.scheduledMs[i];
    first = Math.min(first, sample.effectMs[i]);
    last = Math.max(last, sample.effectMs[i]);
  }
  for (let k = 0; k < missing; k++) late[n + k] = Math.max(0, cutoffMs - missingScheduled(k));
  late.sort();
  return {
    effects: n - sample.duplicates,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    max: late.length ? late[late.length - 1] : NaN,
    censored: missing > 0,
    firstEffectMs: first,
    lastEffectMs: last,
  };
}

/**
 * The effects of jobs due from `fromMs` on. Duplicates cannot be told apart by due time, so they
 * are all counted against the measured part (a few at most; it errs towards "missing").
 */
export function dueFrom(sample: EffectSample, fromMs: number): EffectSample {
  const keep: number[] = [];
  for (let i = 0; i < sample.scheduledMs.length; i++) if (sample.scheduledMs[i] >= fromMs) keep.push(i);
  if (keep.length === sample.scheduledMs.length) return sample;
  return {
    scheduledMs: Float64Array.from(keep, (i) => sample.scheduledMs[i]),
    effectMs: Float64Array.from(keep, (i) => sample.effectMs[i]),
    duplicates: Math.min(sample.duplicates, keep.length),
  };
}

/** Lateness values for the chart: a sorted sample of at most `max` points. */
export function latenessSample(sample: EffectSample, max = 200): number[] {
  const n = sample.effectMs.length;
  const all = new Float64Array(n);
  for (let i = 0; i < n; i++) all[i] = sample.effectMs[i] - sample.scheduledMs[i];
  all.sort();
  if (n <= max) return Array.from(all);
  return Array.from({ length: max }, (_, k) => all[Math.floor((k * (n - 1)) / (max - 1))]);
}

/** Effects per second in 1-second bins from `fromMs` (throughput over time, for the chart). */
export function perSecond(sample: EffectSample, fromMs: number): number[] {
  const bins: number[] = [];
  for (const t of sample.effectMs) {
    const b = Math.floor((t - fromMs) / 1000);
    if (b < 0 || b > 36_000) continue;
    while (bins.length <= b) bins.push(0);
    bins[b]++;
  }
  return bins;
}
