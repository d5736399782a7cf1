import { recurringPlan, type RunPlan } from '../plan';
import type { SystemDriver } from '../systems/driver';
import { measureRun, type RunContext, type RunResult } from './measure';
import { startAfterLoad } from './timing';

export interface RecurringOptions {
  jobs: number;
  periodS: number;
  seconds: number;
}

/**
 * `jobs` interval jobs, all in phase, every `periodS` for `seconds`: missed or doubled runs and
 * lateness. The start is a multiple of the period since the epoch (BullMQ's `every` aligns to that).
 */
export async function recurring(
  drivers: SystemDriver[],
  options: RecurringOptions,
  ctx: RunContext,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  const period = options.periodS * 1000;
  for (const driver of drivers) {
    await driver.loadPending(null);
    const plan = (): RunPlan => {
      // Ours takes recurring jobs through POST /v1/jobs, one request per job (a few hundred a second).
      const rate = driver.name.startsWith('ours') ? 250 : undefined;
      const startMs = Math.ceil(startAfterLoad(driver, options.jobs, rate) / period) * period;
      return recurringPlan('recurring', {
        prefix: `rec-${driver.name}-`,
        count: options.jobs,
        startMs,
        periodS: options.periodS,
        // Half a period past the last run, so rounding never adds or drops one.
        endMs: startMs + options.seconds * 1000 - period / 2,
      });
    };
    results.push(await measureRun(driver, 'recurring', plan, ctx));
  }
  return results;
}
