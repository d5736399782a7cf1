import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import path from 'node:path';

import { adminConnection } from './setup/infra';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  mariadb: string;
  innodbFlushLogAtTrxCommit: string;
  innodbBufferPoolMiB: number;
  fsync: { p50Ms: number; p99Ms: number; samples: number; dir: string };
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

/** fdatasync latency of 4 KiB appends on the filesystem holding MariaDB's data. */
export function measureFsync(samples = 200): MachineFacts['fsync'] {
  const dir = path.join(
    process.env.DELAYED_ACTION_CACHE ?? path.join(homedir(), '.cache', 'delayed-action'),
    'bench-fsync',
  );
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, block);
      const t = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    p50Ms: times[Math.floor(samples * 0.5)],
    p99Ms: times[Math.floor(samples * 0.99)],
    samples,
    dir: path.dirname(dir),
  };
}

export async function machineFacts(): Promise<MachineFacts> {
  const c = await adminConnection();
  try {
    const [rows] = await c.query(
      'SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f, @@innodb_buffer_pool_size AS b',
    );
    const [{ v, f, b }] = rows as { v: string; f: number; b: number | string }[];
    return {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      mariadb: v,
      innodbFlushLogAtTrxCommit: String(f),
      innodbBufferPoolMiB: Math.round(Number(b) / 2 ** 20),
      fsync: measureFsync(),
      loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    };
  } finally {
    await c.end();
  }
}
