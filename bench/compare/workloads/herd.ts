import { oneShotPlan } from '../plan';
import type { SystemDriver } from '../systems/driver';
import { measureRun, type RunContext, type RunResult } from './measure';
import { startAfterLoad } from './timing';

/** `jobs` one-shot jobs all due at one instant: time to drain, fires/s. */
export async function herd(drivers: SystemDriver[], jobs: number, ctx: RunContext): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const driver of drivers) {
    await driver.loadPending(null);
    const start = startAfterLoad(driver, jobs);
    const plan = oneShotPlan(
      'herd',
      [{ prefix: `herd-${driver.name}-`, count: jobs, startMs: start, perSec: 0 }],
      null,
    );
    results.push(await measureRun(driver, plan, ctx));
  }
  return results;
}
