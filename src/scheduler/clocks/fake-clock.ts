import type { Clock } from '../ports/clock';

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock that moves only when told. Timers fire in (time, creation) order with `now` set to
 * their time. The async variants let promise continuations and setImmediate callbacks run
 * between timers, so code that awaits between timers (the scheduler loop, the executor) behaves
 * as under real time, deterministically and without sleeping.
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  /** `settleTurns`: event-loop turns given to pending work after each timer (see settle()). */
  constructor(
    start: Date | string | number = '2030-01-01T00:00:00.000Z',
    private readonly settleTurns = 50,
  ) {
    this.nowMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  setTimer(at: Date, callback: () => void): () => void {
    const timer: FakeTimer = { at: at.getTime(), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  /** Number of armed timers (handy to assert nothing leaks after shutdown). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer fires, or null. */
  nextTimerAt(): Date | null {
    const next = this.peek(Number.POSITIVE_INFINITY);
    return next ? new Date(next.at) : null;
  }

  /** Move time forward synchronously, firing due timers in order. */
  advance(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Jump to `date` (never backwards), firing due timers in order. */
  set(date: Date | string | number): void {
    this.runUntil(Math.max(this.nowMs, new Date(date).getTime()));
  }

  /** Move time forward, letting pending async work settle before and after each timer. */
  async advanceAsync(ms: number): Promise<void> {
    await this.runUntilAsync(this.nowMs + ms);
  }

  async setAsync(date: Date | string | number): Promise<void> {
    await this.runUntilAsync(Math.max(this.nowMs, new Date(date).getTime()));
  }

  /**
   * Let pending promise chains and setImmediate callbacks run, firing timers due at the current
   * time, without moving time. Gives `settleTurns` event-loop turns, enough for chains of awaits
   * on in-memory stores; raise it for deeper chains.
   */
  async settle(): Promise<void> {
    await this.runUntilAsync(this.nowMs);
  }

  private runUntil(target: number): void {
    for (let timer = this.take(target); timer; timer = this.take(target)) this.fire(timer);
    this.nowMs = Math.max(this.nowMs, target);
  }

  private async runUntilAsync(target: number): Promise<void> {
    for (;;) {
      await this.turns();
      const timer = this.take(target);
      if (!timer) break;
      this.fire(timer);
    }
    this.nowMs = Math.max(this.nowMs, target);
    await this.turns();
    // Work released by the last turns may have armed timers due now.
    if (this.peek(this.nowMs)) await this.runUntilAsync(this.nowMs);
  }

  private fire(timer: FakeTimer): void {
    if (timer.at > this.nowMs) this.nowMs = timer.at;
    timer.callback();
  }

  private peek(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private take(target: number): FakeTimer | undefined {
    const timer = this.peek(target);
    if (timer) this.timers.splice(this.timers.indexOf(timer), 1);
    return timer;
  }

  private async turns(): Promise<void> {
    for (let i = 0; i < this.settleTurns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
