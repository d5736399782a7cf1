import { readFileSync, writeFileSync } from 'node:fs';

/** CPU seconds and peak RSS of processes over a measured window, from /proc. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface MeteredProcess {
  label: string;
  pid: number;
  /** Shared infrastructure (MariaDB, Kafka, Redis): its peak RSS is reset at the window's start. */
  shared: boolean;
}

export interface ProcessUsage {
  label: string;
  pid: number;
  shared: boolean;
  cpuSeconds: number;
  peakRssMb: number;
}

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ')' that ends comm: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function statusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0; needs root or owner). */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not ours to reset: the peak then covers the process's whole life (said in the report)
  }
}

export class ProcMeter {
  private readonly start = new Map<number, number>();
  /** Peak RSS seen by sampling too, for processes that exit before the window ends. */
  private readonly sampledPeak = new Map<number, number>();
  private readonly lastTicks = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly processes: MeteredProcess[]) {}

  begin(): void {
    for (const p of this.processes) {
      if (p.shared) resetPeak(p.pid);
      this.start.set(p.pid, cpuTicks(p.pid) ?? 0);
    }
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  private sample(): void {
    for (const p of this.processes) {
      const hwm = statusKb(p.pid, 'VmHWM');
      if (hwm !== null) this.sampledPeak.set(p.pid, Math.max(this.sampledPeak.get(p.pid) ?? 0, hwm));
      const ticks = cpuTicks(p.pid);
      if (ticks !== null) this.lastTicks.set(p.pid, ticks);
    }
  }

  /** Usage since begin(); call before stopping the processes. */
  end(): ProcessUsage[] {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return this.processes.map((p) => ({
      label: p.label,
      pid: p.pid,
      shared: p.shared,
      cpuSeconds: ((this.lastTicks.get(p.pid) ?? 0) - (this.start.get(p.pid) ?? 0)) / TICKS_PER_SECOND,
      peakRssMb: (this.sampledPeak.get(p.pid) ?? 0) / 1024,
    }));
  }
}

/** One-line summary: `label cpu s / peak MB` per process. */
export function describeUsage(usage: ProcessUsage[]): string {
  return usage.map((u) => `${u.label} ${u.cpuSeconds.toFixed(1)}s/${Math.round(u.peakRssMb)}MB`).join(', ');
}
