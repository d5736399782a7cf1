import { Backoff } from '../scheduler/backoff';
import type { Clock, OutboxStore } from '../scheduler';
import type { EventBus } from './event-bus';
import { silentLogger, type MessagingLogger } from './logger';
import { describeError, sleep } from './sleep';
import type { MessagingTelemetry } from './telemetry';
import { toBusMessage } from './outbox-wire-format';
import { SOLE_RELAY, type RelayLeadership } from './relay-leadership';

export interface OutboxRelayOptions {
  /** Events fetched and published per batch (OUTBOX_BATCH_SIZE). */
  batchSize: number;
  /** Sleep between looks when the outbox is drained (OUTBOX_POLL_MS). */
  pollMs: number;
  /** Sent events older than this are pruned (OUTBOX_RETENTION_HOURS). */
  retentionHours: number;
  /** Readiness turns down once the relay has failed continuously for this long (OUTBOX_DOWN_AFTER_MS). */
  downAfterMs: number;
  /** First and longest back-off after a failure. Default 200 ms and 10 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often to prune and to recount the backlog. Default 60 s and 5 s. */
  pruneEveryMs?: number;
  countEveryMs?: number;
  /** Only the leader publishes (several replicas share one outbox). Default: this relay alone. */
  leadership?: RelayLeadership;
  /** How often a standby relay asks for the lead. Default 1 s. */
  standbyPollMs?: number;
}

export interface OutboxRelayStatus {
  running: boolean;
  /** Whether this replica's relay is the one publishing (the others stand by). */
  leader: boolean;
  /** Unsent events at the last count (null before the first). */
  backlog: number | null;
  /** Since when every attempt failed (null while healthy). */
  failingSince: Date | null;
  lastError: string | null;
  relayed: number;
}

/**
 * Publishes committed outbox events in insertion order and marks them sent. At least once: a crash
 * (or a failed mark) between publish and mark publishes the same events, with the same eventId,
 * again. Failures back off and retry forever; the backlog simply waits in the store.
 */
export class OutboxRelay {
  private readonly backoff: Backoff;
  private abort = new AbortController();
  private loopDone: Promise<void> | null = null;
  private wakeUp: AbortController | null = null;
  private lastPrune: number;
  private lastCount = Number.NEGATIVE_INFINITY;
  private readonly state: OutboxRelayStatus = {
    running: false,
    leader: false,
    backlog: null,
    failingSince: null,
    lastError: null,
    relayed: 0,
  };

  constructor(
    private readonly store: OutboxStore,
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly clock: Clock,
    private readonly options: OutboxRelayOptions,
    private readonly telemetry?: MessagingTelemetry,
    private readonly logger: MessagingLogger = silentLogger,
  ) {
    this.backoff = new Backoff(options.backoffBaseMs ?? 200, options.backoffMaxMs ?? 10_000);
    this.lastPrune = clock.now().getTime();
  }

  start(): void {
    if (this.loopDone) return;
    this.abort = new AbortController();
    this.state.running = true;
    this.loopDone = this.loop();
  }

  /** Stops after the batch in flight (if any) is published and marked, or abandoned; gives up the lead. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeUp?.abort();
    await this.loopDone;
    this.loopDone = null;
    this.state.running = false;
    this.state.leader = false;
    await this.leadership.release().catch((error: unknown) => {
      this.logger.warn(`outbox relay: could not release the lead: ${describeError(error)}`);
    });
  }

  private get leadership(): RelayLeadership {
    return this.options.leadership ?? SOLE_RELAY;
  }

  /** Look now instead of at the end of the poll sleep (e.g. a run just committed events). */
  wake(): void {
    this.wakeUp?.abort();
  }

  /** One batch: fetch, publish (awaited), mark sent. Returns how many were relayed; throws on failure. */
  async relayOnce(): Promise<number> {
    const events = await this.store.fetchUnsent(this.options.batchSize);
    if (events.length === 0) return 0;
    const started = Date.now();
    await this.bus.publish(events.map(toBusMessage));
    const ackedAt = this.clock.now();
    await this.store.markSent(
      events.map((e) => e.id),
      ackedAt,
    );
    this.state.relayed += events.length;
    this.telemetry?.emit('outbox.published', {
      count: events.length,
      batchMs: Date.now() - started,
      latenciesMs: events.map((e) => Math.max(0, ackedAt.getTime() - e.createdAt.getTime())),
      topics: events.map((e) => e.topic),
    });
    return events.length;
  }

  status(): OutboxRelayStatus {
    return { ...this.state };
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
    const role = this.state.leader ? 'leader' : 'standby';
    return { status: 'up', detail: `${role}, backlog ${backlog ?? 'unknown'}` };
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let relayed = 0;
      try {
        if (!(await this.takeLead())) {
          await this.idle(signal, this.options.standbyPollMs ?? 1000);
          continue;
        }
        relayed = await this.relayOnce();
        this.recovered();
        await this.housekeeping();
      } catch (error) {
        await this.failed(error);
        await sleep(this.backoff.next(), signal);
        continue;
      }
      // A full batch means more are waiting: go again at once.
      if (relayed < this.options.batchSize) await this.idle(signal, this.options.pollMs);
    }
  }

  private async takeLead(): Promise<boolean> {
    const leader = await this.leadership.lead();
    if (leader !== this.state.leader) {
      this.logger.log(leader ? 'outbox relay: leading' : 'outbox relay: standing by (another replica leads)');
    }
    this.state.leader = leader;
    return leader;
  }

  private async idle(signal: AbortSignal, ms: number): Promise<void> {
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

  private async housekeeping(): Promise<void> {
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
