import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { type InnodbWork, innodbMeter } from '../innodb-meter';
import { createTopics, deleteTopics } from '../kafka';
import { type BenchTopics, dueMs, type RunPlan, topicsFor } from '../plan';
import { type MeteredProcess, ProcMeter, type ProcessUsage } from '../proc-meter';
import {
  dueFrom,
  type EffectSample,
  type LatenessSummary,
  latenessSample,
  perSecond,
  summarize,
} from '../stats';
import type { SystemDriver } from '../systems/driver';

export interface RunContext {
  runId: string;
  /** MariaDB, Kafka (and Redis, from the driver). */
  infra: MeteredProcess[];
  log(line: string): void;
  /** Seconds a run may go on after its last due time before it is cut off. */
  drainTimeoutS: number;
}

export interface RunResult {
  system: string;
  label: string;
  expected: number;
  /** ours: seconds to start the replicas (before the due times were chosen). */
  bootSeconds: number;
  prepareSeconds: number;
  /**
   * Lateness from scheduled time to the effect a user sees: the cancel acked on Kafka (ours,
   * BullMQ: the message's LogAppendTime) or the outbox row committed (APScheduler, no Kafka side).
   */
  lateness: LatenessSummary;
  /** From the first due time to the last effect. */
  drainSeconds: number;
  firesPerSec: number;
  /** ours: the same at the outbox commit (created_at of the cancel row), before the relay. */
  outbox: { lateness: LatenessSummary; drainSeconds: number; firesPerSec: number } | null;
  doubled: number;
  missing: number;
  counters: Record<string, number>;
  usage: ProcessUsage[];
  /** The bench MariaDB's write work over the measured window (all its databases). */
  innodb?: InnodbWork | null;
  warnings: string[];
  chart: { lateness: number[]; perSecond: number[] };
  /** Lateness over every fire, the warm-up's included (null: no warm-up). */
  withWarmup: LatenessSummary | null;
}

/** A run that produced nothing new for this long after its last due time is over. */
const STALL_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The latest scheduled times, for expected effects that never came (k-th missing). */
function missingScheduled(plan: RunPlan): (k: number) => number {
  const last = plan.oneShot[plan.oneShot.length - 1];
  return (k) => (last ? dueMs(last, Math.max(0, last.count - 1 - k)) : plan.lastDueMs);
}

/**
 * One system, one run: boot (ours: the replicas), choose the plan (its due times after the boot),
 * load its jobs (unmeasured), start, meter until every effect is in or time is up.
 */
export async function measureRun(
  driver: SystemDriver,
  label: string,
  makePlan: () => RunPlan,
  ctx: RunContext,
): Promise<RunResult> {
  const topics: BenchTopics = topicsFor(driver.name, label, ctx.runId);
  const usesKafka = driver.name !== 'apscheduler';
  if (usesKafka) await createTopics([topics.cancel, topics.restock], 3);
  const warnings: string[] = [];
  const bootSeconds = driver.boot ? await driver.boot(topics, label, ctx.runId) : 0;
  const plan = makePlan();
  const prepareSeconds = await driver.prepare(plan, topics);
  const running = await driver.start(plan, topics);
  if (Date.now() > plan.firstDueMs) {
    warnings.push(
      `set-up ended ${((Date.now() - plan.firstDueMs) / 1000).toFixed(1)} s after the first due time`,
    );
  }
  // The warm-up's fires run unmetered: CPU and InnoDB work are the measured window's.
  if (plan.warmup) await sleep(plan.warmup.untilMs - Date.now());
  const meter = new ProcMeter([...running.processes, ...driver.sharedProcesses(), ...ctx.infra]);
  const innodb = await innodbMeter();
  meter.begin();
  const deadline = plan.lastDueMs + ctx.drainTimeoutS * 1000;
  let done = 0;
  let lastChange = Date.now();
  for (;;) {
    await sleep(250);
    const before = done;
    done = await running.progress();
    const now = Date.now();
    if (done !== before) lastChange = now;
    if (now < plan.lastDueMs) continue;
    if (done >= plan.expected) break;
    // Past the last due time and nothing new for a while: the rest will not come (coalesced runs).
    const idle = now - Math.max(lastChange, plan.lastDueMs) > STALL_MS;
    if (now > deadline || idle) {
      const why = idle ? `nothing new for ${STALL_MS / 1000} s` : `cut off ${ctx.drainTimeoutS} s`;
      warnings.push(`${why} after the last due time: ${done} of ${plan.expected} fired`);
      break;
    }
  }
  const cutoffMs = Date.now();
  const usage = meter.end();
  const innodbWork = await innodb.end();
  const counters = await running.stop();
  const measuredFromMs = plan.warmup?.untilMs ?? plan.firstDueMs;
  const expected = plan.expected - (plan.warmup?.count ?? 0);
  // A recurring run's missing fires were skipped (coalesced), not late: lateness counts fired runs only.
  const summary = (sample: EffectSample, over = expected): LatenessSummary =>
    summarize(
      sample,
      plan.recurring ? sample.effectMs.length - sample.duplicates : over,
      cutoffMs,
      missingScheduled(plan),
    );
  const allEffects = await running.effects();
  dumpEffects(`${plan.label}-${driver.name}-ack`, allEffects);
  const effects = dueFrom(allEffects, measuredFromMs);
  const lateness = summary(effects);
  const withWarmup = plan.warmup ? summary(allEffects, plan.expected) : null;
  const drainOf = (l: LatenessSummary): number => (l.lastEffectMs - measuredFromMs) / 1000;
  let outbox: RunResult['outbox'] = null;
  if (running.outboxEffects) {
    const committedEffects = await running.outboxEffects();
    dumpEffects(`${plan.label}-${driver.name}-outbox`, committedEffects);
    const committed = summary(dueFrom(committedEffects, measuredFromMs));
    const drain = drainOf(committed);
    outbox = {
      lateness: committed,
      drainSeconds: drain,
      firesPerSec: committed.effects / Math.max(drain, 0.001),
    };
  }
  const doubled = await running.doubledRuns();
  await running.cleanup();
  if (usesKafka) await deleteTopics([topics.cancel, topics.restock]).catch(() => {});
  const drainSeconds = drainOf(lateness);
  const result: RunResult = {
    system: driver.name,
    label: plan.label,
    expected,
    bootSeconds,
    prepareSeconds,
    lateness,
    drainSeconds,
    firesPerSec: lateness.effects / Math.max(drainSeconds, 0.001),
    outbox,
    doubled,
    missing: Math.max(0, expected - lateness.effects),
    counters,
    usage,
    innodb: innodbWork,
    warnings,
    chart: { lateness: latenessSample(effects), perSecond: perSecond(effects, measuredFromMs) },
    withWarmup,
  };
  const o = outbox
    ? ` (outbox commit: ${outbox.firesPerSec.toFixed(0)}/s, p99 ${outbox.lateness.p99.toFixed(0)} ms, drain ${outbox.drainSeconds.toFixed(1)} s)`
    : '';
  ctx.log(
    `  ${driver.name} ${plan.label}: ${lateness.effects}/${expected} fired, ${result.firesPerSec.toFixed(0)}/s, ` +
      `p50 ${lateness.p50.toFixed(0)} p99 ${lateness.p99.toFixed(0)} max ${lateness.max.toFixed(0)} ms, drain ${drainSeconds.toFixed(1)} s${o}` +
      (withWarmup ? ` (with the warm-up: p99 ${withWarmup.p99.toFixed(0)} ms)` : '') +
      (warnings.length ? ` [${warnings.join('; ')}]` : ''),
  );
  return result;
}

/**
 * BENCH_EFFECTS_DIR: write each run's raw samples (scheduled and effect times, ms) there as JSON,
 * to see where in a run its tail happened.
 */
function dumpEffects(name: string, sample: EffectSample): void {
  const dir = process.env.BENCH_EFFECTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^a-zA-Z0-9.-]/g, '_')}.json`);
  writeFileSync(
    file,
    JSON.stringify({ scheduledMs: Array.from(sample.scheduledMs), effectMs: Array.from(sample.effectMs) }),
  );
}
