import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcomes a scheduled run can end with (RunOutcome in the engine). */
export type RunOutcomeLabel = 'success' | 'error' | 'timeout' | 'missed' | 'max_instances';

/**
 * Every metric the service exposes on /metrics, in one registry per app instance (tests boot
 * several apps in one process; the global registry would refuse the second set of names).
 *
 * Other modules record into these objects: the scheduler listener (runs, lateness, claims), the
 * messaging relay (publish latency, published count, dead letters). Gauges whose value lives in a
 * store or in Kafka are filled on scrape by collectors registered with `onScrape`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Runs by outcome (success, error, timeout, missed, max_instances). */
  readonly jobRuns = this.counter('scheduler_job_runs_total', 'Scheduled runs by outcome', ['outcome']);

  readonly retriesScheduled = this.counter(
    'scheduler_run_retries_scheduled_total',
    'Failed or timed-out attempts that were scheduled to be attempted again',
  );

  readonly deadRuns = this.counter(
    'scheduler_dead_runs_total',
    'Runs whose attempts ran out (or failed permanently), by action handler',
    ['handler'],
  );

  /** How late a run started / finished against its scheduled time. */
  readonly fireLateness = new Histogram({
    name: 'scheduler_fire_lateness_seconds',
    help: 'Delay between a run’s scheduled time and when it started (stage=start) or finished (stage=finish)',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  /** Jobs returned by one claim query (acquireDueJobs). */
  readonly claimBatchSize = new Histogram({
    name: 'scheduler_claim_batch_size',
    help: 'Due jobs leased per claim query',
    buckets: [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
    registers: [this.registry],
  });

  /** Unpaused jobs whose next run time has passed (filled on scrape). */
  readonly dueBacklog = this.gauge(
    'scheduler_due_backlog',
    'Unpaused jobs whose next run time is at or before now',
  );

  /** Jobs by state (filled on scrape). */
  readonly jobsByState = this.gauge('scheduler_jobs', 'Jobs in the store by state (scheduled, paused)', [
    'state',
  ]);

  /** Committed events not yet published to Kafka (OutboxStore.countUnsent, on scrape). */
  readonly outboxBacklog = this.gauge(
    'outbox_unsent_events',
    'Outbox events committed but not yet published',
  );

  /** Relay: time from an event's commit (outbox createdAt) to its acknowledged publish. */
  readonly outboxPublishLatency = new Histogram({
    name: 'outbox_publish_latency_seconds',
    help: 'Time from outbox commit to acknowledged Kafka publish',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  /** Relay: events published, by topic. */
  readonly outboxPublished = this.counter(
    'outbox_events_published_total',
    'Outbox events published to Kafka',
    ['topic'],
  );

  /** Messages sent to a dead-letter topic, by source topic and reason. */
  readonly deadLetters = this.counter(
    'kafka_dead_letter_messages_total',
    'Inbound messages routed to a dead-letter topic',
    ['topic', 'reason'],
  );

  /** Inbound partitions retrying one offset: seconds since the first failed attempt (filled on scrape). */
  readonly inboundStuck = this.gauge(
    'kafka_inbound_partition_stuck_seconds',
    'Seconds an inbound partition has been retrying the same offset (absent when none is)',
    ['topic', 'partition'],
  );

  /** Relay: outbox events given up on (announced on the dead-letter topic), by their topic. */
  readonly outboxDeadLettered = this.counter(
    'outbox_events_dead_lettered_total',
    'Outbox events that could not be published (unknown topic, too large, not authorized) and were dead-lettered',
    ['topic'],
  );

  /** Relay: 1 while a topic is held out of the main flow because publishing to it fails permanently. */
  readonly outboxIsolatedTopics = this.gauge(
    'outbox_isolated_topic',
    'Topics the relay isolated (1) because publishing to them fails for a reason retrying will not fix soon',
    ['topic'],
  );

  /** Consumer group lag per topic and partition (filled on scrape from the Kafka admin API). */
  readonly consumerLag = this.gauge(
    'kafka_consumer_lag',
    'Messages behind the log end, per consumed topic and partition',
    ['group', 'topic', 'partition'],
  );

  /** 1 when this replica's outbox relay publishes some shards (read on scrape); alert when none does. */
  readonly relayLeader = this.gauge(
    'outbox_relay_leader',
    'Whether this replica relays some of the outbox (1) or stands by (0)',
  );

  /** Outbox shards this replica relays (read on scrape); across the replicas they add up to 16. */
  readonly relayShards = this.gauge(
    'outbox_relay_shards',
    'Outbox shards this replica relays (of 16; the replicas split them, each key in one)',
  );

  /** Rows per table of the service's database (filled on scrape): InnoDB's estimate in MySQL, counts in memory. */
  readonly tableRows = this.gauge(
    'db_table_rows',
    'Rows per table: information_schema TABLE_ROWS (an InnoDB estimate) in MySQL mode, exact counts in embedded mode',
    ['table'],
  );

  /** Retention: rows deleted, by table. */
  readonly retentionPruned = this.counter(
    'retention_rows_pruned_total',
    'Rows deleted by retention, by table',
    ['table'],
  );

  /** Retention: how long the last pass spent on each table (batches and pauses). */
  readonly retentionPassSeconds = this.gauge(
    'retention_last_pass_seconds',
    'Wall-clock time the last retention pass of this replica spent on a table',
    ['table'],
  );

  /** Scrape collectors that failed or timed out (the scrape still answers with what it has). */
  readonly collectorErrors = this.counter(
    'metrics_collector_errors_total',
    'On-scrape collectors that failed or timed out',
    ['collector'],
  );

  private readonly collectors = new Map<string, () => Promise<void>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge in this instance's registry (set directly or filled on scrape). */
  private gauge<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** A counter in this instance's registry. */
  private counter<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
  ): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Relay helper: one published event and its commit-to-ack latency. */
  recordPublished(topic: string, latencySeconds: number): void {
    this.outboxPublished.inc({ topic });
    if (Number.isFinite(latencySeconds) && latencySeconds >= 0)
      this.outboxPublishLatency.observe(latencySeconds);
  }

  /** Consumer helper: one message dead-lettered. */
  recordDeadLetter(topic: string, reason: string): void {
    this.deadLetters.inc({ topic, reason });
  }

  /** Registers (or replaces) a collector run before each scrape; each is bounded by `timeoutMs`. */
  onScrape(name: string, collect: () => Promise<void>): void {
    this.collectors.set(name, collect);
  }

  /** Runs the collectors (each bounded, failures counted) and renders the exposition text. */
  async scrape(timeoutMs = 2000): Promise<string> {
    await Promise.all(
      [...this.collectors.entries()].map(async ([name, collect]) => {
        if (!(await bounded(collect, timeoutMs))) this.collectorErrors.inc({ collector: name });
      }),
    );
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

async function bounded(collect: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      collect().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
