import type { DeadRun, DeadRunQuery } from '../ports/job-store';
import { cloneJob } from './clone';

/** Dead runs of the memory store, with ids that sort in insertion order (as the SQL store's do). */
export class MemoryDeadRuns {
  private readonly runs = new Map<string, DeadRun>();
  private next = 0;

  add(runs: ReadonlyArray<Omit<DeadRun, 'id'>>): void {
    for (const run of runs) {
      const id = String(++this.next).padStart(12, '0');
      this.runs.set(id, { ...copy(run), id, settledAt: null, settledAs: null });
    }
  }

  get size(): number {
    return this.runs.size;
  }

  get(id: string): DeadRun | null {
    const run = this.runs.get(id);
    return run ? copy(run) : null;
  }

  list(query: DeadRunQuery): DeadRun[] {
    const out: DeadRun[] = [];
    for (const run of this.runs.values()) {
      if (run.settledAs || (query.jobId !== undefined && run.jobId !== query.jobId)) continue;
      if (query.after !== undefined && run.id <= query.after) continue;
      out.push(copy(run));
      if (out.length >= query.limit) break;
    }
    return out;
  }

  settle(id: string, as: 'redriven' | 'discarded', at: Date): void {
    const run = this.runs.get(id);
    if (run) Object.assign(run, { settledAs: as, settledAt: new Date(at.getTime()) });
  }
}

function copy<T extends Omit<DeadRun, 'id'>>(run: T): T {
  return {
    ...run,
    scheduledAt: new Date(run.scheduledAt.getTime()),
    deadAt: new Date(run.deadAt.getTime()),
    job: cloneJob(run.job),
  };
}
