import { parseArgs } from 'node:util';

import { createBenchDatabase, insertPendingJobs } from './store/bench-database';
import { insertRate, lateness, schedulerFireRate, storeFireRate } from './store/scenarios';

/**
 * MySQL job store benchmark (npm run bench:store). Prints numbers; asserts nothing.
 * Flags: --jobs (fired per measurement), --pending-large (far-future jobs for the last
 * measurement, default 5,000,000), --steady-rate, --steady-seconds, --batch, --concurrency.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '30000' },
      'insert-jobs': { type: 'string', default: '100000' },
      'pending-small': { type: 'string', default: '100000' },
      'pending-large': { type: 'string', default: '5000000' },
      'steady-rate': { type: 'string', default: '2000' },
      'steady-seconds': { type: 'string', default: '15' },
      batch: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '1000' },
    },
  });
  const n = Number(values.jobs);
  const options = { batch: Number(values.batch), concurrency: Number(values.concurrency) };
  const { ds, drop } = await createBenchDatabase(8);
  const log = (line: string): void => console.log(line);
  try {
    log(
      `store benchmark: MariaDB/MySQL co-located, batch ${options.batch}, concurrency ${options.concurrency}`,
    );
    log(
      `insert: ${await insertRate(ds, Number(values['insert-jobs']))} jobs/s (addJobs, chunks of 1,000 rows)`,
    );

    const direct = await storeFireRate(ds, n, options, 'direct');
    log(`fire (store direct, no Scheduler): ${direct} one-shot fires/s, 2 outbox rows each`);
    const empty = await schedulerFireRate(ds, n, options, 'empty');
    log(
      `fire (Scheduler, empty table): ${empty.firesPerSec} fires/s, ${empty.outboxRows} outbox rows, ` +
        `${empty.txPerFire.toFixed(4)} claim+complete tx per fire (${empty.claims} claims, ${empty.completions} completions), ` +
        `${empty.lockRetries} lock retries`,
    );

    const steady = await lateness(
      ds,
      Number(values['steady-rate']),
      Number(values['steady-seconds']),
      options,
    );
    log(
      `lateness at ${values['steady-rate']}/s for ${values['steady-seconds']} s: p50 ${steady.p50.toFixed(1)} ms, ` +
        `p99 ${steady.p99.toFixed(1)} ms, max ${steady.max.toFixed(1)} ms (${steady.fires} fires, ~${steady.achievedPerSec}/s achieved)`,
    );

    const small = Number(values['pending-small']);
    let t = performance.now();
    await insertPendingJobs(ds, 0, small);
    log(`pending: inserted ${small} far-future jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const withSmall = await schedulerFireRate(ds, n, options, 'small');
    log(`fire (Scheduler, ${small} pending): ${withSmall.firesPerSec} fires/s`);

    const large = Number(values['pending-large']);
    t = performance.now();
    await insertPendingJobs(ds, small, large - small);
    log(
      `pending: inserted ${large - small} more far-future jobs in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    await ds.query('ANALYZE TABLE scheduler_jobs');
    const withLarge = await schedulerFireRate(ds, n, options, 'large');
    const drop_ = (100 * (withSmall.firesPerSec - withLarge.firesPerSec)) / withSmall.firesPerSec;
    log(
      `fire (Scheduler, ${large} pending): ${withLarge.firesPerSec} fires/s (${drop_.toFixed(1)}% change vs ${small})`,
    );
  } finally {
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
