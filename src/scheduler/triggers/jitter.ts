/** A source of uniform randoms in [0, 1); injectable so tests can pin jitter. */
export type RandomSource = () => number;

export interface TriggerOptions {
  random?: RandomSource;
}

/**
 * Delays `fire` by a random amount in [0, jitter] seconds (millisecond resolution). `fire` is
 * already strictly after the previous fire, and jitter only moves it later, so the result is too.
 * Clamping to `endDate` keeps that: `fire` itself is not after it.
 */
export function applyJitter(
  fire: Date | null,
  jitter: number | undefined,
  random: RandomSource,
  endDate?: Date,
): Date | null {
  if (fire === null || !jitter) return fire;
  const delay = Math.min(Math.floor(random() * (jitter * 1000 + 1)), jitter * 1000);
  const jittered = fire.getTime() + delay;
  return new Date(endDate ? Math.min(jittered, endDate.getTime()) : jittered);
}
