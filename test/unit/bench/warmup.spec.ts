import { dueMs, warmedPlan } from '../../../bench/compare/plan';
import { dueFrom, type EffectSample } from '../../../bench/compare/stats';

describe('bench warm-up (steady and backlog runs)', () => {
  const block = { prefix: 'steady-2000-ours-1-', count: 120_000, startMs: 1_000_000, perSec: 2000 };

  it('puts the warm-up at the measured rate just before the measured jobs, under its own prefix', () => {
    const plan = warmedPlan('steady-2000', block, 5, null);
    const [warm, measured] = plan.oneShot;
    expect(warm).toEqual({ ...block, prefix: 'warm-steady-2000-ours-1-', count: 10_000 });
    expect(measured).toEqual({ ...block, startMs: 1_005_000 });
    expect(plan.warmup).toEqual({ count: 10_000, untilMs: 1_005_000 });
    expect(plan.expected).toBe(130_000);
    expect(plan.firstDueMs).toBe(1_000_000);
    // One stream at one rate: the last warm-up job is due one interval before the first measured.
    expect(dueMs(measured, 0) - dueMs(warm, warm.count - 1)).toBe(1);
    expect(plan.lastDueMs).toBe(dueMs(measured, measured.count - 1));
  });

  it('is the plain plan without a warm-up', () => {
    const plan = warmedPlan('steady-2000', block, 0, null);
    expect(plan.oneShot).toEqual([block]);
    expect(plan.warmup).toBeNull();
    expect(plan.expected).toBe(120_000);
  });

  it('keeps only the effects of jobs due from the measured start', () => {
    const sample: EffectSample = {
      scheduledMs: Float64Array.from([999, 1000, 1001, 998]),
      effectMs: Float64Array.from([1500, 1010, 1020, 1400]),
      duplicates: 0,
    };
    const measured = dueFrom(sample, 1000);
    expect(Array.from(measured.scheduledMs)).toEqual([1000, 1001]);
    expect(Array.from(measured.effectMs)).toEqual([1010, 1020]);
    expect(dueFrom(sample, 0)).toBe(sample);
  });
});
