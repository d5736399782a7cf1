/**
 * The scheduler-wide state every replica shares (APScheduler's `pause()` / `resume()`): while
 * paused, no replica takes due jobs. Kept by the store adapter next to the jobs, so a pause made
 * through one replica holds on all of them and across restarts.
 */
export interface SchedulerStateStore {
  isPaused(): Promise<boolean>;
  /** Records the flag and when it changed. */
  setPaused(paused: boolean, at: Date): Promise<void>;
}
