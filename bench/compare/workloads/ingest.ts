import type { IngestResult, SystemDriver } from '../systems/driver';
import { ingestFromKafka } from '../systems/ours-kafka-ingest';
import type { RunContext } from './measure';

export interface IngestRow extends IngestResult {
  system: string;
}

/** Scheduling rate through each system's own API (ours-3 is skipped: the API is the same single process). */
export async function ingest(
  drivers: SystemDriver[],
  jobs: number,
  seconds: number,
  ctx: RunContext,
): Promise<IngestRow[]> {
  const rows: IngestRow[] = [];
  for (const driver of drivers.filter((d) => d.name !== 'ours-3')) {
    for (const r of await driver.ingest(jobs, seconds)) {
      rows.push({ system: driver.name, ...r });
      ctx.log(
        `  ${driver.name} ${r.api}: ${Math.round(r.jobsPerSec)} jobs/s (${r.jobs} in ${r.seconds.toFixed(1)} s)`,
      );
    }
  }
  if (drivers.some((d) => d.name.startsWith('ours'))) {
    const r = await ingestFromKafka(jobs, seconds, ctx.runId);
    if (typeof r === 'string') ctx.log(`  ours from Kafka orders.created: skipped (${r})`);
    else {
      rows.push({ system: 'ours-1', ...r });
      ctx.log(`  ours ${r.api}: ${Math.round(r.jobsPerSec)} jobs/s (${r.jobs} in ${r.seconds.toFixed(1)} s)`);
    }
  }
  return rows;
}
