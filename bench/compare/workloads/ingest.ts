import type { IngestResult, SystemDriver } from '../systems/driver';
import type { RunContext } from './measure';

export interface IngestRow extends IngestResult {
  system: string;
}

/**
 * Scheduling rate through each system's own API (ours-3 is skipped: its APIs are one replica's,
 * and ours-1 measures the library, `POST /v1/jobs` and `orders.created` from Kafka).
 */
export async function ingest(
  drivers: SystemDriver[],
  jobs: number,
  seconds: number,
  ctx: RunContext,
): Promise<IngestRow[]> {
  const rows: IngestRow[] = [];
  for (const driver of drivers.filter((d) => d.name !== 'ours-3')) {
    for (const r of await driver.ingest(jobs, seconds, ctx.runId, ctx.infra)) {
      rows.push({ system: driver.name, ...r });
      const cpu = r.cpuMsPerJob
        ? `, CPU ms/job ${Object.entries(r.cpuMsPerJob)
            .map(([label, ms]) => `${label} ${ms.toFixed(3)}`)
            .join(' ')}`
        : '';
      ctx.log(
        `  ${driver.name} ${r.api}: ${Math.round(r.jobsPerSec)} jobs/s (${r.jobs} in ${r.seconds.toFixed(1)} s${cpu})`,
      );
    }
  }
  return rows;
}
