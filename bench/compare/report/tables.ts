import type { IngestRow } from '../workloads/ingest';
import type { RunResult } from '../workloads/measure';
import type { SteadyResult } from '../workloads/steady';
import { int, latency, ms, table, USAGE_HEADER, usageCells } from './format';

function notes(r: RunResult): string {
  const parts = [...r.warnings];
  for (const [k, v] of Object.entries(r.counters))
    if (v && ['errors', 'failed', 'missed', 'maxInstances', 'killed'].includes(k)) parts.push(`${k} ${v}`);
  return parts.join('; ');
}

export function herdTable(results: RunResult[]): string {
  return table(
    [
      'system',
      'fired',
      'drain s',
      'fires/s',
      'lateness p50 / p99 / max ms',
      'relay to Kafka drain s',
      ...USAGE_HEADER,
      'notes',
    ],
    results.map((r) => [
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      r.drainSeconds.toFixed(1),
      int(r.firesPerSec),
      latency(r.lateness),
      r.kafkaDrainSeconds === null ? '-' : r.kafkaDrainSeconds.toFixed(1),
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
      'to Kafka p50 / p99 ms',
      ...USAGE_HEADER,
      'notes',
    ],
    results.map((r) => [
      r.label.replace(/^[a-z]+-/, ''),
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      r.sustained ? 'yes' : 'no',
      latency(r.lateness),
      r.kafkaLateness ? `${ms(r.kafkaLateness.p50)} / ${ms(r.kafkaLateness.p99)}` : '-',
      ...usageCells(r.usage),
      notes(r),
    ]),
  );
}

export function recurringTable(results: RunResult[]): string {
  return table(
    ['system', 'runs', 'missed', 'doubled', 'lateness p50 / p99 / max ms', ...USAGE_HEADER, 'notes'],
    results.map((r) => [
      r.system,
      `${int(r.lateness.effects)} / ${int(r.expected)}`,
      int(r.missing),
      int(r.doubled),
      latency(r.lateness),
      ...usageCells(r.usage),
      notes(r),
    ]),
  );
}

export function ingestTable(rows: IngestRow[]): string {
  return table(
    ['system', 'API', 'jobs', 'seconds', 'jobs/s'],
    rows.map((r) => [r.system, r.api, int(r.jobs), r.seconds.toFixed(1), int(r.jobsPerSec)]),
  );
}
