import { parseTrigger } from './job-builder';
import type { RandomSource, Trigger, TriggerSpec } from './triggers';

/**
 * Triggers built from stored JSON, kept across fires: a recurring job's trigger is otherwise
 * rebuilt (zone lookup, date parsing, cron compiling) every time it fires. Keyed by the spec's JSON,
 * so a changed trigger is a different entry. Sharing one instance is safe: triggers answer from
 * their spec alone (internal caches are pure memos) and jitter draws from `random` per call, the
 * same source every trigger built here would get. Least recently used entries go first.
 */
export class TriggerCache {
  private readonly entries = new Map<string, Trigger>();

  constructor(
    private readonly random: RandomSource,
    private readonly capacity = 1_000,
  ) {}

  /** parseTrigger's trigger for `spec` (its errors too; failures are not cached). */
  get(spec: TriggerSpec): Trigger {
    // A date trigger fires once: caching it would only cost the key.
    if (spec === null || typeof spec !== 'object' || spec.type === 'date')
      return parseTrigger(spec, this.random);
    const key = JSON.stringify(spec);
    let trigger = this.entries.get(key);
    if (trigger) {
      this.entries.delete(key); // re-insert: Map order is recency order
    } else {
      trigger = parseTrigger(spec, this.random);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, trigger);
    return trigger;
  }

  get size(): number {
    return this.entries.size;
  }
}
