/**
 * What one measured run asks of a system: the jobs to load before it starts (not measured) and
 * the effects to expect. Due times come from one formula on every side (Python too: aps_common.py).
 */

/** `count` one-shot jobs `<prefix><i>`, due at `startMs + floor(i * 1000 / perSec)` (perSec 0: all at startMs). */
export interface OneShotBlock {
  prefix: string;
  count: number;
  startMs: number;
  perSec: number;
}

/** `count` interval jobs firing every `periodS` from `startMs` (all in phase) until `endMs`. */
export interface RecurringBlock {
  prefix: string;
  count: number;
  startMs: number;
  periodS: number;
  endMs: number;
}

export interface RunPlan {
  /** e.g. `herd`, `steady-1000`, `backlog-100000`. */
  label: string;
  oneShot: OneShotBlock[];
  recurring: RecurringBlock | null;
  /** Far-future jobs that never fall due during the run (backlog workload). */
  pending: OneShotBlock | null;
  /** Effects (fires) the run should produce, the warm-up's included. */
  expected: number;
  firstDueMs: number;
  lastDueMs: number;
  /**
   * Jobs due before `untilMs` (the first block) warm the system up at the measured rate: they
   * fire like the rest but their lateness, CPU and fires are not counted.
   */
  warmup: { count: number; untilMs: number } | null;
}

export function dueMs(block: OneShotBlock, i: number): number {
  return block.perSec === 0 ? block.startMs : block.startMs + Math.floor((i * 1000) / block.perSec);
}

/** Fire times of a recurring block: startMs, startMs + period, … while < endMs. */
export function recurringRuns(block: RecurringBlock): number {
  return Math.ceil((block.endMs - block.startMs) / (block.periodS * 1000));
}

export function oneShotPlan(label: string, blocks: OneShotBlock[], pending: OneShotBlock | null): RunPlan {
  const expected = blocks.reduce((sum, b) => sum + b.count, 0);
  const firstDueMs = Math.min(...blocks.map((b) => dueMs(b, 0)));
  const lastDueMs = Math.max(...blocks.map((b) => dueMs(b, b.count - 1)));
  return { label, oneShot: blocks, recurring: null, pending, expected, firstDueMs, lastDueMs, warmup: null };
}

/** Jobs in a warm-up of `seconds` at `perSec`. */
export function warmupJobs(seconds: number, perSec: number): number {
  return Math.round(seconds * perSec);
}

/**
 * `count` jobs due at `perSec` from `startMs`, after `warmupSeconds` at the same rate whose jobs
 * (prefix `warm-<prefix>`) are not measured: a steady state, not a cold start, is what is compared.
 */
export function warmedPlan(
  label: string,
  block: OneShotBlock,
  warmupSeconds: number,
  pending: OneShotBlock | null,
): RunPlan {
  const count = warmupJobs(warmupSeconds, block.perSec);
  if (count === 0) return oneShotPlan(label, [block], pending);
  const untilMs = block.startMs + warmupSeconds * 1000;
  const warm = { ...block, prefix: `warm-${block.prefix}`, count };
  return {
    ...oneShotPlan(label, [warm, { ...block, startMs: untilMs }], pending),
    warmup: { count, untilMs },
  };
}

export function recurringPlan(label: string, block: RecurringBlock): RunPlan {
  const runs = recurringRuns(block);
  return {
    label,
    oneShot: [],
    recurring: block,
    pending: null,
    expected: block.count * runs,
    firstDueMs: block.startMs,
    lastDueMs: block.startMs + (runs - 1) * block.periodS * 1000,
    warmup: null,
  };
}

/** The two events every system emits per fire (the order timeout: cancel, then restock). */
export const ITEMS = [{ skuId: 'sku-1', quantity: 1 }];

export interface BenchTopics {
  cancel: string;
  restock: string;
}

/** Topics of one run of one system: its own, deleted after the run. */
export function topicsFor(system: string, label: string, runId: string): BenchTopics {
  const base = `bench7.${runId}.${system}.${label}`.replace(/[^a-zA-Z0-9._-]/g, '-');
  return { cancel: `${base}.orders.cancel`, restock: `${base}.inventory.restock` };
}
