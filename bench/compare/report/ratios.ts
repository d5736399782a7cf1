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
  /** '≥' or '≤' when a side is only bounded; '' when measured. */
  bound: string;
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
        target,
        met: ratio >= target,
      });
    }
  }
  for (const ours of cs.filter((c) => c.system.startsWith('ours'))) {
    for (const peer of cs.filter((c) => c.system === 'apscheduler')) {
      // Lower bound of ours / upper bound of the peer: ours ≥ its sustained rate, the peer < its failed rate.
      const oursLow = ours.sustained;
      const peerHigh = peer.failedAt === Infinity ? peer.sustained : peer.failedAt;
      const exact = ours.failedAt !== Infinity && peer.sustained > 0;
      const ratio = peerHigh > 0 ? oursLow / peerHigh : NaN;
      out.push({
        ours: ours.system,
        peer: peer.system,
        metric: 'steady ceiling',
        ratio,
        bound: exact ? '≈' : '>',
        target: 10,
        met: ratio >= 10 ? true : exact ? false : null,
      });
      const achieved = Math.max(ours.sustained, ours.bestAchieved) / Math.max(peer.bestAchieved, 1);
      out.push({
        ours: ours.system,
        peer: peer.system,
        metric: 'steady best achieved fires/s',
        ratio: achieved,
        bound: ours.failedAt === Infinity ? '≥' : '',
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
      `${r.bound}${r.ratio.toFixed(2)}x`,
      `≥ ${r.target}x`,
      r.met === null ? 'open (bound only)' : r.met ? 'yes' : 'no',
    ]),
  );
}
