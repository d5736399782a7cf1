import { parseFlags } from '../../../bench/compare/flags';
import { targets } from '../../../bench/compare/report/ratios';
import type { LatenessSummary } from '../../../bench/compare/stats';
import type { RunResult } from '../../../bench/compare/workloads/measure';
import type { SteadyResult } from '../../../bench/compare/workloads/steady';

function lateness(p99: number, lastEffectMs: number): LatenessSummary {
  return { effects: 100, p50: p99 / 2, p99, max: p99, censored: false, firstEffectMs: 0, lastEffectMs };
}

function run(
  system: string,
  label: string,
  firesPerSec: number,
  outboxDrain: number | null,
  p99 = 100,
): RunResult {
  const drainSeconds = 100_000 / firesPerSec;
  return {
    system,
    label,
    expected: 100,
    bootSeconds: 0,
    prepareSeconds: 0,
    lateness: lateness(p99, drainSeconds * 1000),
    drainSeconds,
    firesPerSec,
    outbox:
      outboxDrain === null
        ? null
        : {
            lateness: lateness(p99 / 2, outboxDrain * 1000),
            drainSeconds: outboxDrain,
            firesPerSec: 100_000 / outboxDrain,
          },
    doubled: 0,
    missing: 0,
    counters: {},
    usage: [],
    warnings: [],
    chart: { lateness: [], perSecond: [] },
    withWarmup: null,
  };
}

const steadyRun = (system: string, label: string, rate: number, p99: number): SteadyResult => ({
  ...run(system, label, rate, 10, p99),
  rate,
  sustained: true,
});

describe('bench targets (issue 16), ours at the Kafka ack', () => {
  it('compares herd rates at the Kafka ack, not the outbox commit, and checks the relay gap', () => {
    // ours-1: 5,000/s to Kafka (20 s), 8,000/s to the outbox (12.5 s): the ratio uses 5,000.
    const herd = [
      run('ours-1', 'herd', 5000, 12.5),
      run('apscheduler', 'herd', 500, null),
      run('bullmq', 'herd', 2000, null),
    ];
    const rows = targets(herd, [], []);
    expect(rows.map((r) => [r.target.split(' (')[0], r.measured.split(' (')[0], r.met])).toEqual([
      ['herd fires/s at Kafka ack ≥ 10x apscheduler', '10.00x', true],
      ['herd fires/s at Kafka ack ≥ 2x bullmq', '2.50x', true],
      ['herd: last cancel acked on Kafka within 10 % of the last outbox commit', '60.0 %', false],
    ]);
  });

  it('says a peer was not run instead of inventing a ratio', () => {
    const rows = targets([run('ours-1', 'herd', 5000, 19)], [], []);
    expect(rows[0]).toMatchObject({ measured: 'apscheduler not run', met: null });
    expect(rows[2]).toMatchObject({ met: true });
  });

  it('holds steady 2,000/s to p99 ≤ 250 ms and the backlog to < 20 % p99 change', () => {
    const steady = [
      steadyRun('ours-1', 'steady-2000', 2000, 251),
      steadyRun('ours-1', 'steady-500', 500, 10),
    ];
    const backlog = [
      steadyRun('ours-1', 'backlog-5000000', 1000, 119),
      steadyRun('ours-1', 'backlog-0', 1000, 100),
    ];
    const rows = targets([], steady, backlog);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ system: 'ours-1', met: false });
    expect(rows[1].target).toContain('5,000,000 pending');
    expect(rows[1]).toMatchObject({ measured: '+19.0 % (100 ms → 119 ms)', met: true });
  });
});

describe('bench ingest targets (issue 16 item 4)', () => {
  it("holds addJob and POST /v1/jobs to BullMQ's Queue.add and Kafka ingest to 20,000/s", () => {
    const row = (system: string, api: string, jobsPerSec: number) => ({
      system,
      api,
      jobs: 1,
      seconds: 1,
      jobsPerSec,
    });
    const rows = targets(
      [],
      [],
      [],
      [
        row('ours-1', 'Scheduler.addJob (64 calls in flight)', 12_000),
        row('ours-1', 'POST /v1/jobs (64 requests in flight)', 900),
        row('ours-1', 'Kafka orders.created → service (1 replica)', 21_000),
        row('bullmq', 'Queue.addBulk (1,000 per call)', 30_000),
        row('bullmq', 'Queue.add (64 calls in flight)', 10_000),
      ],
    );
    expect(rows.map((r) => [r.measured, r.met])).toEqual([
      ['1.20x (12000 vs 10000 jobs/s)', true],
      ['0.09x (900 vs 10000 jobs/s)', false],
      ['21,000 orders/s', true],
    ]);
  });
});

describe('bench flags', () => {
  it('passes settings to the service and limits workloads to systems', () => {
    const config = parseFlags([
      '--ours-env',
      'SCHEDULER_BATCH_SIZE=1000',
      '--ours-env',
      'OUTBOX_BATCH_SIZE=2000',
      '--run-only',
      'backlog=ours-1',
    ]);
    expect(config?.oursEnv).toEqual({ SCHEDULER_BATCH_SIZE: '1000', OUTBOX_BATCH_SIZE: '2000' });
    expect(config?.runOnly).toEqual({ backlog: ['ours-1'] });
    expect(config?.backlogSizes).toEqual([0, 5_000_000]);
  });

  it('refuses malformed values, naming the flag', () => {
    expect(() => parseFlags(['--ours-env', 'lower=1'])).toThrow('--ours-env');
    expect(() => parseFlags(['--run-only', 'herd=redis'])).toThrow('--run-only');
  });
});
