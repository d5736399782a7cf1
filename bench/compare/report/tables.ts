import { innodbPerFire } from '../innodb-meter';
import type { IngestRow } from '../workloads/ingest';
import type { RunResult } from '../workloads/measure';
import type { SteadyResult } from '../workloads/steady';
import { int, latency, ms, table, USAGE_HEADER, usageCells } from './format';

function notes(r: RunResult, withInnodb = false): string {
  const parts = [...r.warnings];
  if (r.withWarmup) parts.push(`warm-up not counted (p99 with it ${Math.round(r.withWarmup.p99)} ms)`);
  for (const [k, v] of Object.entries(r.counters))
    if (v && ['errors', 'failed', 'missed', 'maxInstances', 'killed'].includes(k)) parts.push(`${k} ${v}`);
  if (withInnodb) parts.push(innodbPerFire(r.innodb, r.lateness.effects));
  return parts.filter(Boolean).join('; ');
}

/** CPU milliseconds per fire: the system's own processes, and mariadbd. */
export function cpuPerFire(r: RunResult): string {
  const fires = Math.max(r.lateness.effects, 1);
  const own = r.usage.filter((u) => !u.shared).reduce((s, u) => s + u.cpuSeconds, 0);
  const db = r.usage.find((u) => u.shared && u.label === 'mariadbd')?.cpuSeconds ?? 0;
  return `${((own * 1000) / fires).toFixed(2)} / ${((db * 1000) / fires).toFixed(2)}`;
}

export const CPU_PER_FIRE = 'CPU ms/fire (system / mariadbd)';

export function herdTable(results: RunResult[]): string {
  return table(
    [
      'system',
      'fired',
      'drain s',
      'fires/s',
      'lateness p50 / p99 / max ms',
      'outbox commit: drain s / fires/s',
      CPU_PER_FIRE,
      ...USAGE_HEADER,
      'notes',
    ],
    results.map((r) => [
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      r.drainSeconds.toFixed(1),
      int(r.firesPerSec),
      latency(r.lateness),
      r.outbox ? `${r.outbox.drainSeconds.toFixed(1)} / ${int(r.outbox.firesPerSec)}` : '-',
      cpuPerFire(r),
      ...usageCells(r.usage),
      notes(r),
    ]),
  );
}

export function steadyTable(results: SteadyResult[], first: string): string {
  return table(
    [
      first,
      'system',
      'fired',
      'sustained',
      'lateness p50 / p99 / max ms',
      'outbox commit p50 / p99 ms',
      CPU_PER_FIRE,
      ...USAGE_HEADER,
      'notes',
    ],
    results.map((r) => [
      r.label.replace(/^[a-z]+-/, ''),
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      r.sustained ? 'yes' : 'no',
      latency(r.lateness),
      r.outbox ? `${ms(r.outbox.lateness.p50)} / ${ms(r.outbox.lateness.p99)}` : '-',
      cpuPerFire(r),
      ...usageCells(r.usage),
      notes(r, true),
    ]),
  );
}

export function recurringTable(results: RunResult[]): string {
  return table(
    [
      'system',
      'runs',
      'missed',
      'doubled',
      'lateness p50 / p99 / max ms',
      'outbox commit p50 / p99 ms',
      CPU_PER_FIRE,
      ...USAGE_HEADER,
      'notes',
    ],
    results.map((r) => [
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      int(r.missing),
      int(r.doubled),
      latency(r.lateness),
      r.outbox ? `${ms(r.outbox.lateness.p50)} / ${ms(r.outbox.lateness.p99)}` : '-',
      cpuPerFire(r),
      ...usageCells(r.usage),
      notes(r),
    ]),
  );
}

export function ingestTable(rows: IngestRow[]): string {
  return table(
    ['system', 'API', 'jobs', 'seconds', 'jobs/s', 'CPU ms/job (replica / mariadbd / kafka)'],
    rows.map((r) => [
      r.system,
      r.api,
      int(r.jobs),
      r.seconds.toFixed(1),
      int(r.jobsPerSec),
      r.cpuMsPerJob
        ? ['replica', 'mariadbd', 'kafka'].map((k) => r.cpuMsPerJob?.[k]?.toFixed(3) ?? '-').join(' / ')
        : '-',
    ]),
  );
}
