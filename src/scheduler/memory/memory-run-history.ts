import type { RunHistoryEntry } from '../ports/job-store';

interface JobRuns {
  items: RunHistoryEntry[];
  /** Index of the oldest kept entry; entries before it were evicted (compacted now and then). */
  head: number;
}

/**
 * Run history kept in memory, bounded by a total entry count (oldest evicted first), since a
 * long-lived embedded scheduler would otherwise grow without limit (history of removed one-shot jobs).
 */
export class MemoryRunHistory {
  private readonly byJob = new Map<string, JobRuns>();
  /** Job id of every kept entry, oldest first: the eviction order. */
  private readonly order: string[] = [];
  private orderHead = 0;
  private total = 0;

  constructor(private readonly maxEntries: number) {}

  append(entry: RunHistoryEntry): void {
    let runs = this.byJob.get(entry.jobId);
    if (!runs) {
      runs = { items: [], head: 0 };
      this.byJob.set(entry.jobId, runs);
    }
    runs.items.push(entry);
    this.order.push(entry.jobId);
    this.total++;
    while (this.total > this.maxEntries) this.evictOldest();
  }

  /** Newest first. */
  get(jobId: string, limit: number): RunHistoryEntry[] {
    const runs = this.byJob.get(jobId);
    const out: RunHistoryEntry[] = [];
    if (!runs) return out;
    for (let i = runs.items.length - 1; i >= runs.head && out.length < limit; i--)
      out.push(copy(runs.items[i]));
    return out;
  }

  /**
   * Deletes up to `limit` entries scheduled before `before`, oldest first, sparing the newest
   * `keepLast` of every job `isLive` says still exists. Walks the eviction order only until it has
   * `limit` entries, then compacts the jobs it touched and the order (an array of ids).
   */
  prune(before: Date, keepLast: number, limit: number, isLive: (jobId: string) => boolean): number {
    const cutoff = before.getTime();
    const seen = new Map<string, number>();
    const doomed = new Map<string, Set<number>>();
    const doomedOrder = new Set<number>();
    for (let i = this.orderHead; i < this.order.length && doomedOrder.size < limit; i++) {
      const jobId = this.order[i];
      const runs = this.byJob.get(jobId);
      const k = seen.get(jobId) ?? 0;
      seen.set(jobId, k + 1);
      if (!runs) continue;
      const index = runs.head + k;
      // Entries of this job from this one to its newest: deleting older ones changes nothing here.
      const left = runs.items.length - index;
      const spared = isLive(jobId) ? Math.max(0, keepLast) : 0;
      if (runs.items[index].scheduledAt.getTime() >= cutoff || left <= spared) continue;
      let indexes = doomed.get(jobId);
      if (!indexes) doomed.set(jobId, (indexes = new Set()));
      indexes.add(index);
      doomedOrder.add(i);
    }
    if (doomedOrder.size === 0) return 0;
    for (const [jobId, indexes] of doomed) {
      const runs = this.byJob.get(jobId);
      if (!runs) continue;
      const items = runs.items.slice(runs.head).filter((_, j) => !indexes.has(runs.head + j));
      if (items.length === 0) this.byJob.delete(jobId);
      else this.byJob.set(jobId, { items, head: 0 });
    }
    const order: string[] = [];
    for (let i = this.orderHead; i < this.order.length; i++)
      if (!doomedOrder.has(i)) order.push(this.order[i]);
    this.order.length = 0;
    for (const id of order) this.order.push(id);
    this.orderHead = 0;
    this.total -= doomedOrder.size;
    return doomedOrder.size;
  }

  /** Entries kept. */
  get size(): number {
    return this.total;
  }

  clear(): void {
    this.byJob.clear();
    this.order.length = 0;
    this.orderHead = 0;
    this.total = 0;
  }

  private evictOldest(): void {
    const jobId = this.order[this.orderHead++];
    const runs = this.byJob.get(jobId);
    if (runs) {
      runs.head++;
      if (runs.head >= runs.items.length) this.byJob.delete(jobId);
      else if (runs.head > 64 && runs.head * 2 > runs.items.length) {
        runs.items = runs.items.slice(runs.head);
        runs.head = 0;
      }
    }
    this.total--;
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }
}

function copy(entry: RunHistoryEntry): RunHistoryEntry {
  const date = (d: Date | null): Date | null => (d === null ? null : new Date(d.getTime()));
  return {
    ...entry,
    scheduledAt: new Date(entry.scheduledAt.getTime()),
    startedAt: date(entry.startedAt),
    finishedAt: date(entry.finishedAt),
  };
}
