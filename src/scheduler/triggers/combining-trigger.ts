import { ValidationError } from '../errors';
import { applyJitter, type RandomSource } from './jitter';
import type { CombiningTriggerSpec, Trigger, TriggerSpec } from './trigger';
import { TriggerMaxIterationsError } from './trigger-errors';
import { checkTriggerKeys } from './trigger-shape';
import { jitterSeconds } from './validate';

/** How many rounds `and` tries before deciding its parts never coincide. */
const AND_MAX_ITERATIONS = 10_000;

/**
 * APScheduler's AndTrigger / OrTrigger. Parts are always asked for their first fire at or after
 * a time (never given `previous`), so an interval part keeps its own grid whichever part fired
 * last; the combination's next fire after `previous` is asked from `previous` + 1 ms.
 */
export class CombiningTrigger implements Trigger {
  readonly type: 'and' | 'or';
  private readonly parts: Trigger[];
  private readonly jitter?: number;
  /** `and`: impossible when any part is; `or`: only when every part is (APScheduler checks neither). */
  readonly impossible: ValidationError | null = null;

  constructor(
    spec: CombiningTriggerSpec,
    build: (part: TriggerSpec) => Trigger,
    private readonly random: RandomSource = Math.random,
  ) {
    this.type = spec.type;
    checkTriggerKeys(spec.type, spec);
    if (!Array.isArray(spec.triggers) || spec.triggers.length === 0) {
      throw new ValidationError('triggers', 'must be a non-empty list of triggers');
    }
    this.parts = spec.triggers.map((part, i) => {
      try {
        return build(part);
      } catch (error) {
        if (error instanceof ValidationError)
          throw new ValidationError(`triggers[${i}].${error.field}`, error.reason);
        throw error;
      }
    });
    this.jitter = jitterSeconds(spec.jitter);
    const blocked = this.parts.map((part, i) =>
      part.impossible
        ? new ValidationError(`triggers[${i}].${part.impossible.field}`, part.impossible.reason)
        : null,
    );
    if (this.type === 'and') this.impossible = blocked.find((e) => e !== null) ?? null;
    else if (blocked.every((e) => e !== null))
      this.impossible = new ValidationError(
        'triggers',
        `no part can ever fire (${blocked.map((e) => e?.message).join('; ')})`,
      );
  }

  /** A part's first fire at or after `at`; a date part already past counts as never. */
  private static partAt(part: Trigger, at: number): number | null {
    const fire = part.getNextFireTime(null, new Date(at));
    return fire === null || fire.getTime() < at ? null : fire.getTime();
  }

  getNextFireTime(previous: Date | null, now: Date): Date | null {
    const start = previous ? previous.getTime() + 1 : now.getTime();
    const next = this.type === 'and' ? this.nextAll(start) : this.nextAny(start);
    return next === null ? null : applyJitter(new Date(next), this.jitter, this.random);
  }

  private nextAny(start: number): number | null {
    let best: number | null = null;
    for (const part of this.parts) {
      const fire = CombiningTrigger.partAt(part, start);
      if (fire !== null && (best === null || fire < best)) best = fire;
    }
    return best;
  }

  private nextAll(start: number): number | null {
    let at = start;
    for (let i = 0; i < AND_MAX_ITERATIONS; i++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const part of this.parts) {
        const fire = CombiningTrigger.partAt(part, at);
        if (fire === null) return null;
        min = Math.min(min, fire);
        max = Math.max(max, fire);
      }
      if (min === max) return min;
      at = max;
    }
    throw new TriggerMaxIterationsError(AND_MAX_ITERATIONS);
  }

  toJSON(): CombiningTriggerSpec {
    const json: CombiningTriggerSpec = { type: this.type, triggers: this.parts.map((part) => part.toJSON()) };
    if (this.jitter) json.jitter = this.jitter;
    return json;
  }
}
