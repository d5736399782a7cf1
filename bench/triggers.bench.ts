import { performance } from 'node:perf_hooks';
import { triggerFromJSON, type TriggerSpec } from '../src/scheduler/triggers';

/**
 * Microseconds per next-fire computation, the way the scheduler asks (each after the previous
 * fire). Prints numbers; it asserts nothing. Run: npm run build && npm run bench:triggers
 */

const CASES: Array<[string, TriggerSpec]> = [
  [
    'cron (mon-fri 9-17 every 15 min, Europe/Berlin)',
    { type: 'cron', dayOfWeek: 'mon-fri', hour: '9-17', minute: '*/15', timezone: 'Europe/Berlin' },
  ],
  [
    'cron (3rd fri + last, monthly, America/New_York)',
    { type: 'cron', day: '3rd fri,last', hour: 2, minute: 30, timezone: 'America/New_York' },
  ],
  ['crontab "0 9 * * 1-5" (Europe/Paris)', { type: 'cron', expr: '0 9 * * 1-5', timezone: 'Europe/Paris' }],
  [
    'crontab "*/15 9-17 * * 1-5" (Europe/Berlin)',
    { type: 'cron', expr: '*/15 9-17 * * 1-5', timezone: 'Europe/Berlin' },
  ],
  [
    'crontab "0 0 L * 5L" (America/New_York)',
    { type: 'cron', expr: '0 0 L * 5L', timezone: 'America/New_York' },
  ],
  ['interval (every 90 s)', { type: 'interval', seconds: 90, startDate: '2024-01-01T00:00:00Z' }],
  [
    'calendarinterval (monthly, clamp, Asia/Tokyo)',
    {
      type: 'calendarinterval',
      months: 1,
      hour: 9,
      startDate: '2024-01-31',
      monthEnd: 'clamp',
      timezone: 'Asia/Tokyo',
    },
  ],
  [
    'calendarinterval (every 3 days, skip)',
    { type: 'calendarinterval', days: 3, hour: 9, startDate: '2024-01-01', timezone: 'Europe/London' },
  ],
];

/** Walks runs of 100 consecutive fires from 2024, again and again, so sparse triggers stay in range. */
function measure(spec: TriggerSpec, iterations: number): number {
  const trigger = triggerFromJSON(spec);
  const now = new Date('2024-03-01T00:00:00Z');
  let previous: Date | null = null;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    previous = i % 100 === 0 ? null : previous;
    previous = trigger.getNextFireTime(previous, previous ?? now);
  }
  return ((performance.now() - started) * 1000) / iterations;
}

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
for (const [name, spec] of CASES) {
  measure(spec, 2_000); // warm up the JIT and luxon's formatter cache
  const n = ITERATIONS;
  const runs = [measure(spec, n), measure(spec, n), measure(spec, n)].sort((a, b) => a - b);
  process.stdout.write(
    `${name.padEnd(52)} ${runs[1].toFixed(2).padStart(8)} µs/next-fire (median of 3 × ${n})\n`,
  );
}
