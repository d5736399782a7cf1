import type { RunResult } from '../workloads/measure';
import type { SteadyResult } from '../workloads/steady';
import { table } from './format';

export interface Ceiling {
  system: string;
  /** Highest rate sustained (0: not even the lowest tried). */
  sustained: number;
  /** Lowest rate tried that was not sustained (Infinity: all were). */
  failedAt: number;
  /** Highest fires/s achieved in any steady run (its throughput when overloaded). */
  bestAchieved: number;
}

export function ceilings(results: SteadyResult[]): Ceiling[] {
  const systems = [...new Set(results.map((r) => r.system))];
  return systems.map((system) => {
    const runs = results.filter((r) => r.system === system);
    const ok = runs.filter((r) => r.sustained).map((r) => r.rate);
    const bad = runs.filter((r) => !r.sustained).map((r) => r.rate);
    return {
      system,
      sustained: ok.length ? Math.max(...ok) : 0,
      failedAt: bad.length ? Math.min(...bad) : Infinity,
      bestAchieved: Math.max(...runs.map((r) => Math.min(r.firesPerSec, r.rate))),
    };
  });
}

export function describeCeiling(c: Ceiling): string {
  if (c.failedAt === Infinity) return `≥ ${c.sustained}/s (every rate tried)`;
  if (c.sustained === 0) return `< ${c.failedAt}/s (${Math.round(c.bestAchieved)}/s achieved)`;
  return `${c.sustained}/s (missed ${c.failedAt}/s)`;
}

export interface Ratio {
  ours: string;
  peer: string;
  metric: string;
  ratio: number;
  /** '≥' when only a lower bound is known; '' when measured. */
  bound: string;
  /** Upper bound of the ratio when it is a range (NaN: none / unbounded shown as ∞). */
  upper: number;
  target: number;
  met: boolean | null;
}

/** Our ratios to each peer: herd drain rate, steady ceiling (targets from issue 7). */
export function ratios(herd: RunResult[], steady: SteadyResult[]): Ratio[] {
  const out: Ratio[] = [];
  const cs = ceilings(steady);
  const targets: Record<string, number> = { apscheduler: 10, bullmq: 1 };
  for (const ours of herd.filter((r) => r.system.startsWith('ours'))) {
    for (const peer of herd.filter((r) => !r.system.startsWith('ours'))) {
      const ratio = ours.firesPerSec / peer.firesPerSec;
      const target = targets[peer.system];
      out.push({
        ours: ours.system,
        peer: peer.system,
        metric: 'herd fires/s',
        ratio,
        bound: '',
        upper: NaN,
        target,
        met: ratio >= target,
      });
    }
  }
  for (const ours of cs.filter((c) => c.system.startsWith('ours'))) {
    for (const peer of cs.filter((c) => c.system === 'apscheduler')) {
      // Each ceiling lies in [highest rate sustained, lowest rate missed): the ratio lies between
      // ours.sustained / peer.failedAt and ours.failedAt / peer.sustained.
      const low = ours.sustained / peer.failedAt;
      const high = ours.failedAt / peer.sustained;
      out.push({
        ours: ours.system,
        peer: peer.system,
        metric: 'steady ceiling',
        ratio: low,
        bound: '≥',
        upper: high,
        target: 10,
        met: low >= 10 ? true : high < 10 ? false : null,
      });
      const achieved = Math.max(ours.sustained, ours.bestAchieved) / Math.max(peer.bestAchieved, 1);
      out.push({
        ours: ours.system,
        peer: peer.system,
        metric: 'steady best achieved fires/s',
        ratio: achieved,
        bound: ours.failedAt === Infinity ? '≥' : '',
        upper: NaN,
        target: 10,
        met: achieved >= 10 ? true : ours.failedAt === Infinity ? null : false,
      });
    }
  }
  return out;
}

export function ratioTable(rs: Ratio[]): string {
  return table(
    ['ours', 'peer', 'metric', 'ratio', 'target', 'met'],
    rs.map((r) => [
      r.ours,
      r.peer,
      r.metric,
      `${r.bound}${r.ratio.toFixed(2)}x` +
        (r.metric === 'steady ceiling'
          ? ` (≤ ${Number.isFinite(r.upper) ? r.upper.toFixed(2) + 'x' : '∞'})`
          : ''),
      `≥ ${r.target}x`,
      r.met === null ? 'open (bounds straddle it)' : r.met ? 'yes' : 'no',
    ]),
  );
}
