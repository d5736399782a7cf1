/** A source of uniform randoms in [0, 1); injectable so tests can pin jitter. */
export type RandomSource = () => number;

export interface TriggerOptions {
  random?: RandomSource;
}

/**
 * Delays `fire` by a random amount in [0, jitter] seconds (millisecond resolution). `fire` is
 * already strictly after the previous fire, and jitter only moves it later, so the result is too.
 */
export function applyJitter(
  fire: Date | null,
  jitter: number | undefined,
  random: RandomSource,
): Date | null {
  if (fire === null || !jitter) return fire;
  const delay = Math.floor(random() * (jitter * 1000 + 1));
  return new Date(fire.getTime() + Math.min(delay, jitter * 1000));
}
