import { RetentionLoop, type RetentionTask } from '../../../src/app/retention/retention-loop';
import type { RelayLeadership } from '../../../src/messaging/relay-leadership';
import { SOLE_RELAY } from '../../../src/messaging/relay-leadership';
import { FakeClock } from '../../../src/scheduler';
import { eventually } from '../../support/eventually';

const NOW = new Date('2030-06-01T00:00:00.000Z');

/** A table of `rows` old rows; records every batch it was asked for. */
function table(
  name: string,
  rows: number,
): RetentionTask & { calls: Array<{ now: Date; limit: number }>; left: () => number } {
  let left = rows;
  const calls: Array<{ now: Date; limit: number }> = [];
  return {
    table: name,
    calls,
    left: () => left,
    pruneBatch: async (now, limit) => {
      calls.push({ now, limit });
      const n = Math.min(limit, left);
      left -= n;
      return n;
    },
  };
}

const leadership = (leads: boolean): RelayLeadership & { released: number } => {
  const l = { released: 0, lead: async () => leads, release: async () => void l.released++ };
  return l;
};

describe('RetentionLoop', () => {
  it('prunes each table in batches until one comes back short, all at the pass start time', async () => {
    const a = table('a', 250);
    const b = table('b', 0);
    const pruned: Array<[string, number]> = [];
    const loop = new RetentionLoop([a, b], new FakeClock(NOW), {
      batchSize: 100,
      pauseMs: 0,
      intervalMs: 60_000,
      leadership: SOLE_RELAY,
      onPruned: (t, n) => pruned.push([t, n]),
    });
    const reports = await loop.runPass();
    expect(reports.map(({ table: t, rows, batches }) => ({ t, rows, batches }))).toEqual([
      { t: 'a', rows: 250, batches: 3 },
      { t: 'b', rows: 0, batches: 1 },
    ]);
    expect(a.calls).toEqual([
      { now: NOW, limit: 100 },
      { now: NOW, limit: 100 },
      { now: NOW, limit: 100 },
    ]);
    expect(pruned).toEqual([
      ['a', 100],
      ['a', 100],
      ['a', 50],
    ]);
    expect(reports.every((r) => r.ms >= 0)).toBe(true);
  });

  it('pauses between batches, never after the last', async () => {
    const a = table('a', 300);
    const loop = new RetentionLoop([a], new FakeClock(NOW), {
      batchSize: 100,
      pauseMs: 40,
      intervalMs: 60_000,
      leadership: SOLE_RELAY,
    });
    const started = Date.now();
    const [report] = await loop.runPass();
    // 4 batches (the last one empty), 3 pauses of 40 ms.
    expect(report.batches).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('does nothing on a replica that does not hold the lock', async () => {
    const a = table('a', 10);
    const loop = new RetentionLoop([a], new FakeClock(NOW), {
      batchSize: 100,
      pauseMs: 0,
      intervalMs: 60_000,
      leadership: leadership(false),
    });
    expect(await loop.runPass()).toEqual([]);
    expect(a.calls).toEqual([]);
  });

  it('runs passes on its own once started, survives a failing pass, and releases the lock on stop', async () => {
    let failures = 1;
    const calls: number[] = [];
    const flaky: RetentionTask = {
      table: 'flaky',
      pruneBatch: async () => {
        calls.push(Date.now());
        if (failures-- > 0) throw new Error('database gone');
        return 0;
      },
    };
    const warnings: string[] = [];
    const lock = leadership(true);
    const loop = new RetentionLoop([flaky], new FakeClock(NOW), {
      batchSize: 100,
      pauseMs: 0,
      intervalMs: 20,
      leadership: lock,
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    loop.start();
    await eventually(
      'a pass after the failed one',
      async () => (calls.length >= 2 ? true : undefined),
      10_000,
    );
    await loop.stop();
    expect(warnings[0]).toMatch(/^retention: pass failed .*database gone$/);
    expect(lock.released).toBe(1);
    const after = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls.length).toBe(after);
  });

  it('stops between batches when stopped mid-pass', async () => {
    const a = table('a', 1_000_000);
    const loop = new RetentionLoop([a], new FakeClock(NOW), {
      batchSize: 10,
      pauseMs: 1000,
      intervalMs: 10,
      leadership: SOLE_RELAY,
    });
    loop.start();
    await eventually('the first batch', async () => (a.calls.length > 0 ? true : undefined), 10_000);
    await loop.stop();
    expect(a.calls.length).toBe(1);
  });
});
