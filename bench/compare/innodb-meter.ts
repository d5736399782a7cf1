import { adminConnection } from './setup/infra';

/** InnoDB's write work over a run: what a larger working set costs the database besides CPU. */
const COUNTERS = {
  pagesFlushed: 'Innodb_buffer_pool_pages_flushed',
  dataFsyncs: 'Innodb_data_fsyncs',
  logFsyncs: 'Innodb_os_log_fsyncs',
  bytesWritten: 'Innodb_data_written',
  logBytes: 'Innodb_os_log_written',
  diskReads: 'Innodb_buffer_pool_reads',
} as const;

export type InnodbWork = Record<keyof typeof COUNTERS, number>;

async function read(): Promise<InnodbWork | null> {
  try {
    const c = await adminConnection();
    try {
      const [rows] = (await c.query('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [
        Object.values(COUNTERS),
      ])) as unknown as [Array<{ Variable_name: string; Value: string }>];
      const byName = new Map(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      return Object.fromEntries(
        Object.entries(COUNTERS).map(([key, name]) => [key, byName.get(name) ?? 0]),
      ) as InnodbWork;
    } finally {
      await c.end();
    }
  } catch {
    return null; // a run without the bench's MariaDB reachable reports no InnoDB work
  }
}

/** Reads the counters now; `end()` gives what changed since (null when the server was not reachable). */
export async function innodbMeter(): Promise<{ end(): Promise<InnodbWork | null> }> {
  const before = await read();
  return {
    async end() {
      const after = await read();
      if (!before || !after) return null;
      return Object.fromEntries(
        Object.keys(COUNTERS).map((k) => [k, after[k as keyof InnodbWork] - before[k as keyof InnodbWork]]),
      ) as InnodbWork;
    },
  };
}

/** Per fire, for a table's notes: pages flushed, fsyncs, KB of data files and redo written, pages read from disk. */
export function innodbPerFire(work: InnodbWork | null | undefined, fires: number): string {
  if (!work || fires <= 0) return '';
  const per = (n: number): string => (n / fires).toFixed(2);
  return (
    `InnoDB per fire: ${per(work.pagesFlushed)} pages flushed, ${per(work.dataFsyncs + work.logFsyncs)} fsyncs, ` +
    `${per(work.bytesWritten / 1024)} KB data + ${per(work.logBytes / 1024)} KB redo written, ${per(work.diskReads)} pages read`
  );
}
