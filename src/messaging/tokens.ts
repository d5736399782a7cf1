/** Injection token of the EventBus (kafka or memory, chosen by config). */
export const EVENT_BUS = Symbol('EVENT_BUS');
