import { Backoff } from '../scheduler/backoff';
import { OUTBOX_SHARDS, type Clock, type OutboxStore, type StoredOutboxEvent } from '../scheduler';
import type { EventBus } from './event-bus';
import { silentLogger, type MessagingLogger } from './logger';
import { describeError, sleep } from './sleep';
import type { MessagingTelemetry } from './telemetry';
import { RelayPipeline } from './relay-pipeline';
import { EVERY_SHARD_HERE, type RelayShares } from './relay-leadership';
import { IsolatingPublisher } from './isolating-publisher';

export interface OutboxRelayOptions {
  /** Events fetched and published per batch (OUTBOX_BATCH_SIZE). */
  batchSize: number;
  /** Sleep between looks when the outbox is drained (OUTBOX_POLL_MS). */
  pollMs: number;
  /** Sent events older than this are pruned (OUTBOX_RETENTION_HOURS). */
  retentionHours: number;
  /** Readiness turns down once the relay has failed continuously for this long (OUTBOX_DOWN_AFTER_MS). */
  downAfterMs: number;
  /**
   * An event whose topic keeps refusing it (unknown topic, too large, not authorized) is
   * dead-lettered once it has failed for this long (OUTBOX_DEAD_LETTER_AFTER_MS). Default 5 min.
   */
  deadLetterAfterMs?: number;
  /** Where dead-letter notices go (TOPIC_SCHEDULER_DEAD_LETTER). */
  deadLetterTopic?: string;
  /** First and longest back-off after a failure. Default 200 ms and 10 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** First and longest wait between retries of an isolated topic. Default 1 s and 30 s. */
  isolatedRetryBaseMs?: number;
  isolatedRetryMaxMs?: number;
  /** How often to prune and to recount the backlog. Default 60 s and 5 s. */
  pruneEveryMs?: number;
  countEveryMs?: number;
  /** The outbox shards this relay publishes (several replicas share one outbox). Default: every one. */
  shares?: RelayShares;
  /** How often a relay with no shard asks for some. Default 1 s. */
  standbyPollMs?: number;
  /** stop() waits this long for the batches in flight, then leaves them to the next leader. Default 3 s. */
  stopGraceMs?: number;
  /** Batches read and not yet marked sent, at most (OUTBOX_BATCHES_IN_FLIGHT). Default 4. */
  batchesInFlight?: number;
  /** Longest stretch of back-to-back batches before the lead is asked again. Default 1 s. */
  roundMs?: number;
}

export interface OutboxRelayStatus {
  running: boolean;
  /** Whether this replica's relay publishes some of the outbox's shards (or stands by). */
  leader: boolean;
  /** The outbox shards it publishes (of OUTBOX_SHARDS). */
  shards: number[];
  /** Unsent events at the last count (null before the first). */
  backlog: number | null;
  /** Since when every attempt failed (null while healthy). */
  failingSince: Date | null;
  lastError: string | null;
  relayed: number;
  deadLettered: number;
  /** Topics held out of the main flow while publishing to them fails permanently. */
  isolatedTopics: string[];
}

/**
 * Publishes committed outbox events in insertion order and marks them sent, several batches in
 * flight (RelayPipeline: read, publish and mark overlap; publishes stay in order). At least once: a crash
 * (or a failed mark) between publish and mark publishes the same events, with the same eventId,
 * again. Transient failures back off and retry forever; the backlog simply waits in the store.
 * A topic that refuses its events for a reason retrying will not fix soon is isolated (the other
 * topics keep flowing), retried on its own, and its events are dead-lettered after a while
 * (IsolatingPublisher).
 */
export class OutboxRelay {
  private readonly backoff: Backoff;
  private readonly isolating: IsolatingPublisher;
  private readonly pipeline: RelayPipeline;
  private abort = new AbortController();
  private loopDone: Promise<void> | null = null;
  private wakeUp: AbortController | null = null;
  private wakeRequested = false;
  private lastPrune: number;
  private lastCount = Number.NEGATIVE_INFINITY;
  private readonly state = {
    running: false,
    shards: [] as number[],
    backlog: null as number | null,
    failingSince: null as Date | null,
    lastError: null as string | null,
    relayed: 0,
  };

  constructor(
    private readonly store: OutboxStore,
    bus: Pick<EventBus, 'publish'>,
    private readonly clock: Clock,
    private readonly options: OutboxRelayOptions,
    private readonly telemetry?: MessagingTelemetry,
    private readonly logger: MessagingLogger = silentLogger,
  ) {
    this.backoff = new Backoff(options.backoffBaseMs ?? 200, options.backoffMaxMs ?? 10_000);
    this.isolating = new IsolatingPublisher(
      store,
      bus,
      clock,
      {
        batchSize: options.batchSize,
        deadLetterAfterMs: options.deadLetterAfterMs ?? 300_000,
        deadLetterTopic: options.deadLetterTopic ?? 'scheduler.dead-letter',
        retryBaseMs: options.isolatedRetryBaseMs ?? 1000,
        retryMaxMs: options.isolatedRetryMaxMs ?? 30_000,
      },
      (events, started) => this.markSent(events, started),
      telemetry,
      logger,
    );
    this.lastPrune = clock.now().getTime();
    this.pipeline = new RelayPipeline(
      {
        fetch: (inFlight) =>
          this.store.fetchUnsent(options.batchSize, {
            excludeTopics: this.isolating.isolatedTopics(),
            excludeIds: inFlight,
            shards: this.shardFilter(),
          }),
        publish: (events) => this.isolating.publish(events),
        markSent: (events, started) => this.markSent(events, started),
      },
      {
        batchSize: options.batchSize,
        inFlight: Math.max(1, options.batchesInFlight ?? 4),
        roundMs: options.roundMs ?? 1000,
      },
    );
  }

  start(): void {
    if (this.loopDone) return;
    this.abort = new AbortController();
    this.state.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Stops after the batches whose publish started are published and marked, or after stopGraceMs,
   * whichever is first: a publish that cannot succeed (broker gone) never holds up shutdown; its
   * events, and those of batches not yet published, stay unsent for the next leader. Gives up the lead.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeUp?.abort();
    const done = this.loopDone;
    if (done) {
      const grace = new AbortController();
      await Promise.race([done, sleep(this.options.stopGraceMs ?? 3000, grace.signal)]);
      grace.abort();
    }
    this.loopDone = null;
    this.state.running = false;
    this.state.shards = [];
    await this.shares.release().catch((error: unknown) => {
      this.logger.warn(`outbox relay: could not give its shards up: ${describeError(error)}`);
    });
  }

  private get shares(): RelayShares {
    return this.options.shares ?? EVERY_SHARD_HERE;
  }

  /** The fetch filter: none while this relay holds every shard. */
  private shardFilter(): number[] | undefined {
    return this.state.shards.length === OUTBOX_SHARDS ? undefined : this.state.shards;
  }

  /**
   * Look now instead of at the end of the poll sleep (e.g. a run just committed events). A wake
   * during a round is kept for the sleep after it: the round's last read may have missed those rows.
   */
  wake(): void {
    if (this.wakeUp) this.wakeUp.abort();
    else this.wakeRequested = true;
  }

  /**
   * One batch: fetch (isolated topics left out), publish (awaited), mark sent. Returns how many
   * were fetched (0 with no shard to relay); throws on a failure retrying may fix. A topic
   * refusing its events is isolated.
   */
  async relayOnce(): Promise<number> {
    if (!(await this.takeLead())) return 0;
    const events = await this.store.fetchUnsent(this.options.batchSize, {
      excludeTopics: this.isolating.isolatedTopics(),
      shards: this.shardFilter(),
    });
    if (events.length === 0) return 0;
    const started = Date.now();
    const published = await this.isolating.publish(events);
    await this.markSent(published, started);
    return events.length;
  }

  status(): OutboxRelayStatus {
    return {
      ...this.state,
      leader: this.state.shards.length > 0,
      deadLettered: this.isolating.deadLettered,
      isolatedTopics: this.isolating.isolatedTopics(),
    };
  }

  /** Readiness: down (with backlog and last error) once failing for longer than downAfterMs. */
  async check(): Promise<{ status: 'up' | 'down'; detail?: string }> {
    const backlog = await this.store.countUnsent().then(
      (n) => n,
      () => this.state.backlog,
    );
    const { failingSince, lastError } = this.state;
    const failingMs = failingSince ? this.clock.now().getTime() - failingSince.getTime() : 0;
    if (failingSince && failingMs >= this.options.downAfterMs) {
      return {
        status: 'down',
        detail: `failing for ${Math.round(failingMs / 1000)} s, backlog ${backlog ?? 'unknown'}: ${lastError}`,
      };
    }
    if (!this.state.running)
      return { status: 'down', detail: `not running, backlog ${backlog ?? 'unknown'}` };
    const role = shareRole(this.state.shards);
    const isolated = this.isolating.isolatedTopics();
    const held = isolated.length > 0 ? `, isolated topics: ${isolated.join(', ')}` : '';
    return { status: 'up', detail: `${role}, backlog ${backlog ?? 'unknown'}${held}` };
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let drained = true;
      try {
        if (!(await this.takeLead())) {
          // Asking for the lead worked, so the store answers: a standby has nothing else to fail.
          this.recovered();
          this.isolating.clear();
          await this.idle(signal, this.options.standbyPollMs ?? 1000);
          continue;
        }
        await this.isolating.retryDue(this.shardFilter());
        ({ drained } = await this.pipeline.round(signal));
        this.recovered();
        await this.housekeeping();
      } catch (error) {
        await this.failed(error);
        await sleep(this.backoff.next(), signal);
        continue;
      }
      // A round that ended on a full batch (its time was up) means more are waiting: go again at once.
      if (drained) await this.idle(signal, this.options.pollMs);
    }
  }

  private async markSent(events: StoredOutboxEvent[], startedMs: number): Promise<void> {
    if (events.length === 0) return;
    const ackedAt = this.clock.now();
    await this.store.markSent(
      events.map((e) => e.id),
      ackedAt,
    );
    this.state.relayed += events.length;
    this.telemetry?.emit('outbox.published', {
      count: events.length,
      batchMs: Date.now() - startedMs,
      latenciesMs: events.map((e) => Math.max(0, ackedAt.getTime() - e.createdAt.getTime())),
      topics: events.map((e) => e.topic),
    });
  }

  /** Claims this replica's shards (between rounds: nothing is in flight); false: stand by. */
  private async takeLead(): Promise<boolean> {
    const shards = await this.shares.claim();
    if (shards.join() !== this.state.shards.join()) this.logger.log(`outbox relay: ${shareRole(shards)}`);
    this.state.shards = shards;
    return shards.length > 0;
  }

  private async idle(signal: AbortSignal, ms: number): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return;
    }
    this.wakeUp = new AbortController();
    const wake = AbortSignal.any([signal, this.wakeUp.signal]);
    await sleep(ms, wake);
    this.wakeUp = null;
  }

  private recovered(): void {
    if (this.state.failingSince) {
      this.logger.log(`outbox relay recovered after failing since ${this.state.failingSince.toISOString()}`);
    }
    this.backoff.reset();
    this.state.failingSince = null;
  }

  private async failed(error: unknown): Promise<void> {
    const first = this.state.failingSince === null;
    this.state.failingSince ??= this.clock.now();
    this.state.lastError = describeError(error);
    // The backlog is worth knowing while failing, but the store may be what is down.
    this.state.backlog = await this.store.countUnsent().catch(() => this.state.backlog);
    this.telemetry?.emit('outbox.error', { error, backlog: this.state.backlog });
    if (first) this.logger.warn(`outbox relay failing, will retry with back-off: ${this.state.lastError}`);
  }

  /** Counting and pruning the whole outbox: done by the relay of shard 0 alone. */
  private async housekeeping(): Promise<void> {
    if (this.state.shards[0] !== 0) return;
    const now = this.clock.now().getTime();
    const countEvery = this.options.countEveryMs ?? 5000;
    if (now - this.lastCount >= countEvery) {
      this.lastCount = now;
      this.state.backlog = await this.store.countUnsent();
      this.telemetry?.emit('outbox.backlog', { backlog: this.state.backlog });
    }
    if (now - this.lastPrune >= (this.options.pruneEveryMs ?? 60_000)) {
      this.lastPrune = now;
      const pruned = await this.store.pruneSent(new Date(now - this.options.retentionHours * 3_600_000));
      if (pruned > 0) this.logger.log(`outbox: pruned ${pruned} sent event(s)`);
    }
  }
}

/** What a relay does with these shards: `standby`, `leader` (every shard) or `relaying shards 1,4 of 16`. */
function shareRole(shards: number[]): string {
  if (shards.length === 0) return 'standby';
  if (shards.length === OUTBOX_SHARDS) return 'leader';
  return `relaying shards ${shards.join(',')} of ${OUTBOX_SHARDS}`;
}
