import type { SchedulerStateStore } from '../ports/scheduler-state';

/** The shared state for replicas in one process (or one replica): a flag in memory. */
export class MemorySchedulerState implements SchedulerStateStore {
  private paused = false;

  isPaused(): Promise<boolean> {
    return Promise.resolve(this.paused);
  }

  setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    return Promise.resolve();
  }
}
