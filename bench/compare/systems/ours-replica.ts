import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../../src/persistence/data-source';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock } from '../../../src/scheduler/clocks/system-clock';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { benchKafka } from '../kafka';
import { BenchRelay } from './bench-relay';
import { orderTimeoutMessages } from './order-timeout';
import { onStart, reportProgress, type OursReplicaConfig } from './replica-protocol';

/**
 * One replica of this service for a measured run, in its own process (own event loop and pool):
 * the engine (Scheduler) over MySqlJobStore, the order-timeout handler emitting two outbox events
 * per fire, and (on one replica) the outbox relay to Kafka. Forked by systems/ours.ts.
 */
onStart<OursReplicaConfig>(async (config) => {
  const clock = new SystemClock();
  const ds = new DataSource(dataSourceOptions(config.databaseUrl, { poolSize: config.poolSize }));
  await ds.initialize();
  const store = new MySqlJobStore(ds, clock);
  let committed = 0;
  let errors = 0;
  const completeRuns = store.completeRuns.bind(store);
  // Count fires whose completion (job state + outbox rows) has committed.
  store.completeRuns = async (owner, completions) => {
    const result = await completeRuns(owner, completions);
    for (const c of completions) if (!result.leaseLost.includes(c.jobId)) committed += c.runs.length;
    return result;
  };
  const scheduler = new Scheduler({
    store,
    clock,
    owner: config.owner,
    batchSize: config.batchSize,
    maxConcurrency: config.maxConcurrency,
    runTimeoutMs: null,
  });
  scheduler.registerHandler('orderTimeout', (ctx) => {
    const [cancel, restock] = orderTimeoutMessages(config.topics, ctx.jobId, ctx.scheduledAt, ctx.firedAt);
    ctx.emit('cancel', { topic: cancel.topic, key: cancel.key, value: cancel.value });
    ctx.emit('restock', { topic: restock.topic, key: restock.key, value: restock.value });
  });
  scheduler.on('job.error', () => errors++);
  scheduler.on('scheduler.error', () => errors++);

  let relay: BenchRelay | null = null;
  const producer = benchKafka(`bench-ours-${config.owner}`).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  if (config.relay) {
    await producer.connect();
    relay = new BenchRelay(store, producer);
    relay.start();
  }
  await store.start();
  await scheduler.start();
  const progress = reportProgress(() => ({ committed, published: relay?.published ?? 0 }));

  return async () => {
    clearInterval(progress);
    await scheduler.shutdown({ wait: false });
    await relay?.stop();
    if (config.relay) await producer.disconnect();
    await ds.destroy();
    return { committed, published: relay?.published ?? 0, errors, lockRetries: store.stats.lockRetries };
  };
});
