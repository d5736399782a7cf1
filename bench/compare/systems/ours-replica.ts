import 'reflect-metadata';

import { IANAZone } from 'luxon';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../../src/persistence/data-source';
import { MySqlJobStore } from '../../../src/persistence/mysql-job-store';
import { SystemClock } from '../../../src/scheduler/clocks/system-clock';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { KafkaEventBus } from '../../../src/messaging/kafka/kafka-event-bus';
import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import { benchKafka } from '../kafka';
import { orderTimeoutMessages } from './order-timeout';
import { onStart, reportProgress, type OursReplicaConfig } from './replica-protocol';

/**
 * One replica of this service for a measured run, in its own process (own event loop and pool):
 * the engine (Scheduler) over MySqlJobStore, the order-timeout handler emitting two outbox events
 * per fire, and (on one replica) the outbox relay to Kafka. Forked by systems/ours.ts.
 */
onStart<OursReplicaConfig>(async (config) => {
  if (config.zoneCache) cacheZoneValidity();
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

  // The service's own relay and Kafka adapter (idempotent producer, acks=all), with its default
  // batch (500) and poll (100 ms), woken by runs that emitted events as the service wires it.
  let relay: OutboxRelay | null = null;
  const bus = new KafkaEventBus(benchKafka(`bench-ours-${config.owner}`), {
    groupId: `bench7-${config.owner}`,
    fromBeginning: true,
    topicPartitions: 3,
    replicationFactor: 1,
    maxBatch: 500,
    partitionsConcurrently: 1,
  });
  if (config.relay) {
    relay = new OutboxRelay(store, bus, clock, {
      batchSize: 500,
      pollMs: 100,
      retentionHours: 24,
      downAfterMs: 60_000,
    });
    const r = relay;
    scheduler.on('job.executed', (e) => {
      if (e.events.length > 0) r.wake();
    });
    relay.start();
  }
  await store.start();
  await scheduler.start();
  const progress = reportProgress(() => ({ committed, published: relay?.status().relayed ?? 0 }));

  return async () => {
    clearInterval(progress);
    await scheduler.shutdown({ wait: false });
    await relay?.stop();
    await bus.close();
    await ds.destroy();
    return {
      committed,
      published: relay?.status().relayed ?? 0,
      errors,
      lockRetries: store.stats.lockRetries,
    };
  };
});

/**
 * Experiment (--ours-zone-cache, off by default): memoize luxon's IANAZone.isValidZone, which builds
 * an Intl.DateTimeFormat on every call and is reached once per admitted job (DateTrigger →
 * resolveZone). Measures what caching resolved zones in src/scheduler/triggers/zone-time.ts would buy.
 */
function cacheZoneValidity(): void {
  const original = IANAZone.isValidZone.bind(IANAZone);
  const known = new Map<string, boolean>();
  IANAZone.isValidZone = (zone: string): boolean => {
    let valid = known.get(zone);
    if (valid === undefined) known.set(zone, (valid = original(zone)));
    return valid;
  };
}
