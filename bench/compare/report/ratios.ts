import type { RunResult } from '../workloads/measure';
import type { SteadyResult } from '../workloads/steady';
import type { IngestRow } from '../workloads/ingest';
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

/** One of issue 16's targets, as measured in this run. */
export interface TargetRow {
  target: string;
  system: string;
  measured: string;
  /** null: not measurable in this run (a system or workload missing). */
  met: boolean | null;
}

const x = (n: number): string => `${n.toFixed(2)}x`;
const msText = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;

/**
 * Issue 16's targets, ours always at the Kafka ack of its cancels: herd fires/s ≥ 10x APScheduler's
 * and ≥ 2x BullMQ's with ONE replica (three shown too); the relay's last ack within 10 % of the last
 * outbox commit; steady 2,000/s with p99 ≤ 250 ms; the largest backlog changing p99 by < 20 % against
 * the smallest.
 */
export function targets(
  herd: RunResult[],
  steady: SteadyResult[],
  backlog: SteadyResult[],
  ingest: IngestRow[] = [],
): TargetRow[] {
  const rows: TargetRow[] = [];
  const peer = (name: string): RunResult | undefined => herd.find((r) => r.system === name);
  for (const ours of herd.filter((r) => r.system.startsWith('ours'))) {
    for (const [name, goal] of [
      ['apscheduler', 10],
      ['bullmq', 2],
    ] as const) {
      const p = peer(name);
      const ratio = p ? ours.firesPerSec / p.firesPerSec : NaN;
      rows.push({
        target: `herd fires/s at Kafka ack ≥ ${goal}x ${name}${ours.system === 'ours-1' ? '' : ' (target is for one replica)'}`,
        system: ours.system,
        measured: p
          ? `${x(ratio)} (${Math.round(ours.firesPerSec)} vs ${Math.round(p.firesPerSec)}/s)`
          : `${name} not run`,
        met: p ? ratio >= goal : null,
      });
    }
    if (ours.outbox) {
      const gap = (ours.drainSeconds - ours.outbox.drainSeconds) / ours.outbox.drainSeconds;
      rows.push({
        target: 'herd: last cancel acked on Kafka within 10 % of the last outbox commit',
        system: ours.system,
        measured: `${(gap * 100).toFixed(1)} % (${ours.drainSeconds.toFixed(1)} s vs ${ours.outbox.drainSeconds.toFixed(1)} s)`,
        met: gap <= 0.1,
      });
    }
  }
  for (const r of steady.filter((s) => s.system.startsWith('ours') && s.rate === 2000)) {
    rows.push({
      target: 'steady 2,000/s: p99 lateness to Kafka ack ≤ 250 ms',
      system: r.system,
      measured:
        `${r.lateness.censored ? '≥' : ''}${msText(r.lateness.p99)} (outbox commit ${r.outbox ? msText(r.outbox.lateness.p99) : '-'}` +
        `${r.withWarmup ? `; with the warm-up ${msText(r.withWarmup.p99)}` : ''})`,
      met: r.lateness.censored ? false : r.lateness.p99 <= 250,
    });
  }
  const pendingOf = (r: SteadyResult): number => Number(r.label.replace(/^backlog-/, ''));
  for (const system of [...new Set(backlog.map((b) => b.system))].filter((s) => s.startsWith('ours'))) {
    const runs = backlog.filter((b) => b.system === system).sort((a, b) => pendingOf(a) - pendingOf(b));
    if (runs.length < 2) continue;
    const base = runs[0];
    const big = runs[runs.length - 1];
    const change = (big.lateness.p99 - base.lateness.p99) / base.lateness.p99;
    rows.push({
      target: `backlog: ${pendingOf(big).toLocaleString('en-US')} pending changes p99 (Kafka ack) by < 20 % vs ${pendingOf(base).toLocaleString('en-US')}`,
      system,
      measured: `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} % (${msText(base.lateness.p99)} → ${msText(big.lateness.p99)})`,
      met: change < 0.2,
    });
  }
  const api = (system: string, prefix: string): IngestRow | undefined =>
    ingest.find((r) => r.system === system && r.api.startsWith(prefix));
  const bullAdd = api('bullmq', 'Queue.add ');
  for (const prefix of ['Scheduler.addJob ', 'POST /v1/jobs']) {
    const ours = api('ours-1', prefix);
    if (!ours) continue;
    rows.push({
      target: `ingest: ${ours.api} ≥ BullMQ's Queue.add`,
      system: 'ours-1',
      measured: bullAdd
        ? `${x(ours.jobsPerSec / bullAdd.jobsPerSec)} (${Math.round(ours.jobsPerSec)} vs ${Math.round(bullAdd.jobsPerSec)} jobs/s)`
        : `${Math.round(ours.jobsPerSec)} jobs/s; bullmq not run`,
      met: bullAdd ? ours.jobsPerSec >= bullAdd.jobsPerSec : null,
    });
  }
  const kafka = api('ours-1', 'Kafka orders.created');
  if (kafka)
    rows.push({
      target: 'ingest: orders.created from Kafka into one replica ≥ 20,000/s',
      system: 'ours-1',
      measured: `${Math.round(kafka.jobsPerSec).toLocaleString('en-US')} orders/s`,
      met: kafka.jobsPerSec >= 20_000,
    });
  return rows;
}

export function targetTable(rows: TargetRow[]): string {
  return table(
    ['target', 'system', 'measured', 'met'],
    rows.map((r) => [r.target, r.system, r.measured, r.met === null ? '-' : r.met ? 'yes' : 'no']),
  );
}
