import { createTopics, deleteTopics } from '../kafka';
import { type BenchTopics, dueMs, type RunPlan, topicsFor } from '../plan';
import { type MeteredProcess, ProcMeter, type ProcessUsage } from '../proc-meter';
import { type LatenessSummary, latenessSample, perSecond, summarize } from '../stats';
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
  prepareSeconds: number;
  /** Lateness from scheduled time to the effect (outbox row written / Kafka message sent). */
  lateness: LatenessSummary;
  /** ours only: to the relayed Kafka message. */
  kafkaLateness: LatenessSummary | null;
  /** From the first due time to the last effect. */
  drainSeconds: number;
  firesPerSec: number;
  kafkaDrainSeconds: number | null;
  doubled: number;
  missing: number;
  counters: Record<string, number>;
  usage: ProcessUsage[];
  warnings: string[];
  chart: { lateness: number[]; perSecond: number[] };
}

/** A run that produced nothing new for this long after its last due time is over. */
const STALL_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The latest scheduled times, for expected effects that never came (k-th missing). */
function missingScheduled(plan: RunPlan): (k: number) => number {
  const last = plan.oneShot[plan.oneShot.length - 1];
  return (k) => (last ? dueMs(last, Math.max(0, last.count - 1 - k)) : plan.lastDueMs);
}

/** One system, one plan: load (unmeasured), start, meter until every effect is in or time is up. */
export async function measureRun(driver: SystemDriver, plan: RunPlan, ctx: RunContext): Promise<RunResult> {
  const topics: BenchTopics = topicsFor(driver.name, plan.label, ctx.runId);
  const usesKafka = driver.name !== 'apscheduler';
  if (usesKafka) await createTopics([topics.cancel, topics.restock], 3);
  const warnings: string[] = [];
  const prepareSeconds = await driver.prepare(plan, topics);
  const running = await driver.start(plan, topics);
  if (Date.now() > plan.firstDueMs) {
    warnings.push(
      `set-up ended ${((Date.now() - plan.firstDueMs) / 1000).toFixed(1)} s after the first due time`,
    );
  }
  const meter = new ProcMeter([...running.processes, ...driver.sharedProcesses(), ...ctx.infra]);
  meter.begin();
  const deadline = plan.lastDueMs + ctx.drainTimeoutS * 1000;
  let done = 0;
  let relayed = 0;
  let lastChange = Date.now();
  for (;;) {
    await sleep(running.relayed ? 250 : 500);
    const before = done + relayed;
    done = await running.progress();
    relayed = running.relayed ? Math.floor((await running.relayed()) / 2) : plan.expected;
    const now = Date.now();
    if (done + relayed !== before) lastChange = now;
    if (now < plan.lastDueMs) continue;
    if (done >= plan.expected && relayed >= plan.expected) break;
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
  const counters = await running.stop();
  const effects = await running.effects();
  // A recurring run's missing fires were skipped (coalesced), not late: lateness counts fired runs only.
  const latenessOver = (n: number): number => (plan.recurring ? n : plan.expected);
  const lateness = summarize(
    effects,
    latenessOver(effects.effectMs.length - effects.duplicates),
    cutoffMs,
    missingScheduled(plan),
  );
  const kafka = running.kafkaEffects ? await running.kafkaEffects() : null;
  const kafkaLateness = kafka
    ? summarize(
        kafka,
        latenessOver(kafka.effectMs.length - kafka.duplicates),
        cutoffMs,
        missingScheduled(plan),
      )
    : null;
  const doubled = await running.doubledRuns();
  await running.cleanup();
  if (usesKafka) await deleteTopics([topics.cancel, topics.restock]).catch(() => {});
  const drainSeconds = (lateness.lastEffectMs - plan.firstDueMs) / 1000;
  const result: RunResult = {
    system: driver.name,
    label: plan.label,
    expected: plan.expected,
    prepareSeconds,
    lateness,
    kafkaLateness,
    drainSeconds,
    firesPerSec: lateness.effects / Math.max(drainSeconds, 0.001),
    kafkaDrainSeconds: kafkaLateness ? (kafkaLateness.lastEffectMs - plan.firstDueMs) / 1000 : null,
    doubled,
    missing: Math.max(0, plan.expected - lateness.effects),
    counters,
    usage,
    warnings,
    chart: { lateness: latenessSample(effects), perSecond: perSecond(effects, plan.firstDueMs) },
  };
  ctx.log(
    `  ${driver.name} ${plan.label}: ${lateness.effects}/${plan.expected} fired, ${result.firesPerSec.toFixed(0)}/s, ` +
      `p50 ${lateness.p50.toFixed(0)} p99 ${lateness.p99.toFixed(0)} max ${lateness.max.toFixed(0)} ms` +
      (warnings.length ? ` [${warnings.join('; ')}]` : ''),
  );
  return result;
}
