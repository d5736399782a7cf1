/**
 * The Clock port. The engine never reads the system time or sets a timer directly, so tests
 * drive it with a fake clock (and SQL stores receive `now` from it, never NOW()).
 */
export interface Clock {
  now(): Date;
  /** Calls `callback` once at (or after) `at`. Returns a function that cancels it. */
  setTimer(at: Date, callback: () => void): () => void;
}
