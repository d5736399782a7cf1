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
   * `keepLast` of every job `isLive` says still exists. Rebuilds the eviction order: O(entries).
   */
  prune(before: Date, keepLast: number, limit: number, isLive: (jobId: string) => boolean): number {
    const all: RunHistoryEntry[] = [];
    const seen = new Map<string, number>();
    for (let i = this.orderHead; i < this.order.length; i++) {
      const jobId = this.order[i];
      const runs = this.byJob.get(jobId);
      const k = seen.get(jobId) ?? 0;
      seen.set(jobId, k + 1);
      if (runs) all.push(runs.items[runs.head + k]);
    }
    const remaining = new Map<string, number>();
    for (const e of all) remaining.set(e.jobId, (remaining.get(e.jobId) ?? 0) + 1);
    const cutoff = before.getTime();
    let deleted = 0;
    const kept = all.filter((e) => {
      const left = remaining.get(e.jobId) ?? 0;
      remaining.set(e.jobId, left - 1);
      const spared = isLive(e.jobId) ? Math.max(0, keepLast) : 0;
      if (deleted >= limit || e.scheduledAt.getTime() >= cutoff || left <= spared) return true;
      deleted++;
      return false;
    });
    if (deleted === 0) return 0;
    this.clear();
    for (const e of kept) this.append(e);
    return deleted;
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
