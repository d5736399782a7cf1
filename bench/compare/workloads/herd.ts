import { oneShotPlan, type RunPlan } from '../plan';
import type { SystemDriver } from '../systems/driver';
import { measureRun, type RunContext, type RunResult } from './measure';
import { startAfterLoad } from './timing';

/** `jobs` one-shot jobs all due at one instant: time to drain, fires/s. */
export async function herd(drivers: SystemDriver[], jobs: number, ctx: RunContext): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const driver of drivers) {
    await driver.loadPending(null);
    const plan = (): RunPlan =>
      oneShotPlan(
        'herd',
        [{ prefix: `herd-${driver.name}-`, count: jobs, startMs: startAfterLoad(driver, jobs), perSec: 0 }],
        null,
      );
    results.push(await measureRun(driver, 'herd', plan, ctx));
  }
  return results;
}
