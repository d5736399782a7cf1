/** Injection tokens of the engine's ports, so tests can swap in a FakeClock or another store. */
export const CLOCK = Symbol('CLOCK');
/** The JobStore, which is also the OutboxStore (runs commit their events with their state). */
export const JOB_STORE = Symbol('JOB_STORE');
