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
  readonly jobRuns = new Counter({
    name: 'scheduler_job_runs_total',
    help: 'Scheduled runs by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly retriesScheduled = new Counter({
    name: 'scheduler_run_retries_scheduled_total',
    help: 'Failed or timed-out attempts that were scheduled to be attempted again',
    registers: [this.registry],
  });

  readonly deadRuns = new Counter({
    name: 'scheduler_dead_runs_total',
    help: 'Runs whose attempts ran out (or failed permanently), by action handler',
    labelNames: ['handler'] as const,
    registers: [this.registry],
  });

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
  readonly dueBacklog = new Gauge({
    name: 'scheduler_due_backlog',
    help: 'Unpaused jobs whose next run time is at or before now',
    registers: [this.registry],
  });

  /** Jobs by state (filled on scrape). */
  readonly jobsByState = new Gauge({
    name: 'scheduler_jobs',
    help: 'Jobs in the store by state (scheduled, paused)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  /** Committed events not yet published to Kafka (OutboxStore.countUnsent, on scrape). */
  readonly outboxBacklog = new Gauge({
    name: 'outbox_unsent_events',
    help: 'Outbox events committed but not yet published',
    registers: [this.registry],
  });

  /** Relay: time from an event's commit (outbox createdAt) to its acknowledged publish. */
  readonly outboxPublishLatency = new Histogram({
    name: 'outbox_publish_latency_seconds',
    help: 'Time from outbox commit to acknowledged Kafka publish',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  /** Relay: events published, by topic. */
  readonly outboxPublished = new Counter({
    name: 'outbox_events_published_total',
    help: 'Outbox events published to Kafka',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  /** Messages sent to a dead-letter topic, by source topic and reason. */
  readonly deadLetters = new Counter({
    name: 'kafka_dead_letter_messages_total',
    help: 'Inbound messages routed to a dead-letter topic',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });

  /** Inbound partitions retrying one offset: seconds since the first failed attempt (filled on scrape). */
  readonly inboundStuck = new Gauge({
    name: 'kafka_inbound_partition_stuck_seconds',
    help: 'Seconds an inbound partition has been retrying the same offset (absent when none is)',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  /** Relay: outbox events given up on (announced on the dead-letter topic), by their topic. */
  readonly outboxDeadLettered = new Counter({
    name: 'outbox_events_dead_lettered_total',
    help: 'Outbox events that could not be published (unknown topic, too large, not authorized) and were dead-lettered',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  /** Relay: 1 while a topic is held out of the main flow because publishing to it fails permanently. */
  readonly outboxIsolatedTopics = new Gauge({
    name: 'outbox_isolated_topic',
    help: 'Topics the relay isolated (1) because publishing to them fails for a reason retrying will not fix soon',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  /** Consumer group lag per topic and partition (filled on scrape from the Kafka admin API). */
  readonly consumerLag = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages behind the log end, per consumed topic and partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [this.registry],
  });

  /** 1 when this replica's outbox relay is the one publishing (read on scrape); alert when none is. */
  readonly relayLeader = new Gauge({
    name: 'outbox_relay_leader',
    help: 'Whether this replica relays the outbox (1) or stands by (0)',
    registers: [this.registry],
  });

  /** Rows per table of the service's database (filled on scrape): InnoDB's estimate in MySQL, counts in memory. */
  readonly tableRows = new Gauge({
    name: 'db_table_rows',
    help: 'Rows per table: information_schema TABLE_ROWS (an InnoDB estimate) in MySQL mode, exact counts in embedded mode',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  /** Retention: rows deleted, by table. */
  readonly retentionPruned = new Counter({
    name: 'retention_rows_pruned_total',
    help: 'Rows deleted by retention, by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  /** Retention: how long the last pass spent on each table (batches and pauses). */
  readonly retentionPassSeconds = new Gauge({
    name: 'retention_last_pass_seconds',
    help: 'Wall-clock time the last retention pass of this replica spent on a table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  /** Scrape collectors that failed or timed out (the scrape still answers with what it has). */
  readonly collectorErrors = new Counter({
    name: 'metrics_collector_errors_total',
    help: 'On-scrape collectors that failed or timed out',
    labelNames: ['collector'] as const,
    registers: [this.registry],
  });

  private readonly collectors = new Map<string, () => Promise<void>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
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
