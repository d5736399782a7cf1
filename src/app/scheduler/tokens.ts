/**
 * Injection tokens of the engine's ports, so tests can swap in a FakeClock or another store: the
 * scheduler module's own (src/nest), under the names the service uses.
 */
export { SCHEDULER_CLOCK as CLOCK, SCHEDULER_STORE as JOB_STORE } from '../../nest/tokens';
