import type { ProcessUsage } from '../proc-meter';
import type { LatenessSummary } from '../stats';

/** A markdown table (reads as plain text too). */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
export const ms = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? int(n) : n.toFixed(1)) : '-');

/** `p50 / p99 / max` in ms; `≥` when some expected effects never came (lower bounds). */
export function latency(l: LatenessSummary): string {
  const ge = l.censored ? '≥' : '';
  return `${ge}${ms(l.p50)} / ${ge}${ms(l.p99)} / ${ge}${ms(l.max)}`;
}

/** The system's own processes: CPU seconds summed, each peak RSS. */
export function ownUsage(usage: ProcessUsage[]): string {
  const own = usage.filter((u) => !u.shared);
  const cpu = own.reduce((s, u) => s + u.cpuSeconds, 0);
  return `${cpu.toFixed(1)} s / ${own.map((u) => int(u.peakRssMb)).join('+')} MB`;
}

/** A shared process (mariadbd, kafka, redis-server): CPU seconds / peak RSS during the run. */
export function sharedUsage(usage: ProcessUsage[], label: string): string {
  const u = usage.find((x) => x.shared && x.label === label);
  return u ? `${u.cpuSeconds.toFixed(1)} s / ${int(u.peakRssMb)} MB` : '-';
}

export const USAGE_HEADER = ['CPU / peak RSS (system)', 'mariadbd', 'kafka', 'redis-server'];

export function usageCells(usage: ProcessUsage[]): string[] {
  return [
    ownUsage(usage),
    sharedUsage(usage, 'mariadbd'),
    sharedUsage(usage, 'kafka'),
    sharedUsage(usage, 'redis-server'),
  ];
}
