import type { StoredOutboxEvent } from '../scheduler';

export interface RelayPipelineSteps {
  /** The next unsent events, leaving out `inFlight` (fetched, not yet marked sent). */
  fetch(inFlight: string[]): Promise<StoredOutboxEvent[]>;
  /** Publishes (awaiting the broker's ack); returns the events published. Throws on a transient failure. */
  publish(events: StoredOutboxEvent[]): Promise<StoredOutboxEvent[]>;
  /** Marks published events sent, in one store call. */
  markSent(events: StoredOutboxEvent[], startedMs: number): Promise<void>;
}

export interface RelayPipelineOptions {
  batchSize: number;
  /** Batches fetched and not yet marked sent, at most (OUTBOX_BATCHES_IN_FLIGHT). */
  inFlight: number;
  /** A round ends after this long (then the relay re-checks its lead and does housekeeping). */
  roundMs: number;
}

export interface RoundResult {
  relayed: number;
  /** True when the last fetch came back short: the outbox was drained at that moment. */
  drained: boolean;
}

/**
 * One round of relaying with several batches in flight: the next batch is read while the previous
 * ones are being published and marked, so neither the store nor the broker waits for the other.
 *
 * - Per-key order: publishes run one after another in fetch (id) order, each starting only once the
 *   previous one was acked; after a failed publish no later batch is published in this round.
 * - No re-read: every fetch leaves out the ids in flight (fetched, not yet marked or given up).
 * - Marks are coalesced: while one UPDATE is committing, the batches acked meanwhile wait and go
 *   in the next one, so a fast broker costs fewer commits, not more.
 * - A failure (fetch, publish or mark) stops the round: what is in flight settles (acked batches
 *   still get marked), then the first error is thrown. Unmarked rows stay unsent and are read
 *   again by the next round, which is the contract's at-least-once re-publish of the same eventId.
 * - `signal` (stop): no new fetch and no publish that has not started; started ones finish.
 */
export class RelayPipeline {
  constructor(
    private readonly steps: RelayPipelineSteps,
    private readonly options: RelayPipelineOptions,
  ) {}

  async round(signal: AbortSignal): Promise<RoundResult> {
    const inFlight = new Set<string>();
    const running = new Set<Promise<void>>();
    const marks = new MarkCoalescer(this.steps.markSent.bind(this.steps));
    const deadline = Date.now() + this.options.roundMs;
    let failure: { error: unknown } | null = null;
    let gate: Promise<boolean> = Promise.resolve(true);
    let relayed = 0;
    let drained = false;
    try {
      while (!signal.aborted && failure === null && Date.now() < deadline) {
        if (running.size >= this.options.inFlight) {
          await Promise.race(running);
          continue;
        }
        const events = await this.steps.fetch([...inFlight]);
        if (events.length < this.options.batchSize) drained = true;
        if (events.length === 0) break;
        for (const e of events) inFlight.add(e.id);
        const previous = gate;
        let open!: (ok: boolean) => void;
        gate = new Promise<boolean>((resolve) => (open = resolve));
        const step = (async (): Promise<void> => {
          try {
            // Published only after the batch before it was acked, and not after any failure.
            if (!(await previous) || failure !== null || signal.aborted) return open(false);
            const started = Date.now();
            const published = await this.steps.publish(events);
            open(true);
            await marks.mark(published, started);
            relayed += published.length;
          } catch (error) {
            failure ??= { error };
            open(false);
          } finally {
            for (const e of events) inFlight.delete(e.id);
          }
        })();
        running.add(step);
        void step.finally(() => running.delete(step));
        if (drained) break;
      }
    } catch (error) {
      failure ??= { error };
    }
    await Promise.all(running);
    if (failure !== null) throw failure.error;
    return { relayed, drained };
  }
}

/** One mark UPDATE at a time; the batches acked while it commits go together in the next. */
class MarkCoalescer {
  private queued: { events: StoredOutboxEvent[]; started: number; done: Deferred }[] = [];
  private busy = false;

  constructor(private readonly markSent: (events: StoredOutboxEvent[], startedMs: number) => Promise<void>) {}

  mark(events: StoredOutboxEvent[], startedMs: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const done = deferred();
    this.queued.push({ events, started: startedMs, done });
    if (!this.busy) void this.flush();
    return done.promise;
  }

  private async flush(): Promise<void> {
    this.busy = true;
    while (this.queued.length > 0) {
      const group = this.queued;
      this.queued = [];
      try {
        await this.markSent(
          group.flatMap((g) => g.events),
          Math.min(...group.map((g) => g.started)),
        );
        for (const g of group) g.done.resolve();
      } catch (error) {
        for (const g of group) g.done.reject(error);
      }
    }
    this.busy = false;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
