/** Injection tokens of the scheduler module (the Scheduler itself is injected by its class). */
export const SCHEDULER_CLOCK = Symbol('SCHEDULER_CLOCK');
/** The JobStore, which is also the OutboxStore (runs commit their events with their state). */
export const SCHEDULER_STORE = Symbol('SCHEDULER_STORE');
export const SCHEDULER_MODULE_OPTIONS = Symbol('SCHEDULER_MODULE_OPTIONS');
/** The OutboxRelay when the module was given an event bus (null otherwise). */
export const SCHEDULER_RELAY = Symbol('SCHEDULER_RELAY');
