import { type OneShotBlock, type RunPlan, warmedPlan, warmupJobs } from '../plan';
import type { SystemDriver } from '../systems/driver';
import { measureRun, type RunContext, type RunResult } from './measure';
import { startAfterLoad } from './timing';

export interface SteadyResult extends RunResult {
  rate: number;
  sustained: boolean;
}

export interface SteadyOptions {
  rates: number[];
  seconds: number;
  /** Seconds at the same rate before the measured ones, not counted (JIT, pools, caches warm). */
  warmupSeconds: number;
  stopAtCeiling: boolean;
  sustainP99Ms: number;
  /** A system that misses the lowest rate is tried at half of it, up to this many times (its ceiling found). */
  probeBelow: number;
  /** Far-future jobs kept pending during the runs (backlog workload). */
  pending: OneShotBlock | null;
  label: (rate: number) => string;
}

export function isSustained(result: RunResult, sustainP99Ms: number): boolean {
  return result.missing === 0 && result.lateness.p99 <= sustainP99Ms;
}

/** Jobs due at a constant rate: lateness to the effect, and whether the rate is kept up. */
export async function steady(
  drivers: SystemDriver[],
  options: SteadyOptions,
  ctx: RunContext,
): Promise<SteadyResult[]> {
  const results: SteadyResult[] = [];
  const ceilingFound = new Set<string>();
  const run = async (driver: SystemDriver, rate: number): Promise<SteadyResult> => {
    const loaded = await driver.loadPending(options.pending);
    if (loaded > 1)
      ctx.log(
        `  ${driver.name}: ${options.pending?.count ?? 0} pending jobs loaded in ${loaded.toFixed(1)} s`,
      );
    const count = rate * options.seconds;
    const label = options.label(rate);
    const loadCount = count + warmupJobs(options.warmupSeconds, rate);
    const plan = (): RunPlan =>
      warmedPlan(
        label,
        {
          prefix: `${label}-${driver.name}-`,
          count,
          startMs: startAfterLoad(driver, loadCount),
          perSec: rate,
        },
        options.warmupSeconds,
        options.pending,
      );
    const result = await measureRun(driver, label, plan, ctx);
    return { ...result, rate, sustained: isSustained(result, options.sustainP99Ms) };
  };
  for (const rate of options.rates) {
    for (const driver of drivers) {
      if (options.stopAtCeiling && ceilingFound.has(driver.name)) {
        ctx.log(`  ${driver.name} ${options.label(rate)}: skipped (a lower rate was not sustained)`);
        continue;
      }
      const result = await run(driver, rate);
      if (!result.sustained) ceilingFound.add(driver.name);
      results.push(result);
    }
  }
  const lowest = Math.min(...options.rates);
  for (const driver of drivers) {
    let rate = lowest;
    for (
      let i = 0;
      i < options.probeBelow && !results.some((r) => r.system === driver.name && r.sustained);
      i++
    ) {
      rate = Math.floor(rate / 2);
      ctx.log(`  ${driver.name}: missed ${lowest}/s, probing ${rate}/s`);
      results.push(await run(driver, rate));
    }
  }
  return results;
}
