import type { Job } from '../job';
import { compareJobListKeys, matchesJobListQuery } from '../job-list';
import type { JobListQuery } from '../ports/job-store';
import { BinaryHeap } from './binary-heap';
import { cloneJob } from './clone';

/** A stored job plus the store's own state about it. */
export interface Entry {
  job: Job;
  leaseOwner: string | null;
  leaseUntil: number;
  /** An acquire saw the lease expired: the job is visible again, though the owner is still set. */
  leaseExpired: boolean;
  /** Only the heap item carrying the current stamp is live (lazy deletion). */
  dueStamp: number;
  leaseStamp: number;
}

interface HeapItem {
  at: number;
  id: string;
  stamp: number;
}

const byTimeThenId = (a: HeapItem, b: HeapItem): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * The memory store's job table: each job with its lease, a binary heap of due jobs keyed by
 * (nextRunTime, id) and one of leases keyed by expiry, both with lazy deletion, so that add,
 * remove, change and acquire cost O(log n) however many jobs are pending.
 */
export class MemoryJobTable {
  private readonly jobs = new Map<string, Entry>();
  private readonly due = new BinaryHeap<HeapItem>(byTimeThenId);
  private readonly leases = new BinaryHeap<HeapItem>(byTimeThenId);
  private version = 0;
  private stamp = 0;

  get size(): number {
    return this.jobs.size;
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  get(id: string): Entry | undefined {
    return this.jobs.get(id);
  }

  entries(): IterableIterator<Entry> {
    return this.jobs.values();
  }

  /** A lazily deleted heap item is skipped once its entry is gone. */
  delete(id: string): boolean {
    return this.jobs.delete(id);
  }

  clear(): void {
    this.jobs.clear();
    this.due.replaceAll([]);
    this.leases.replaceAll([]);
  }

  isLeased(id: string, now: number): boolean {
    const entry = this.jobs.get(id);
    return entry !== undefined && entry.leaseOwner !== null && entry.leaseUntil > now;
  }

  insert(job: Job): void {
    const entry: Entry = {
      job: { ...cloneJob(job), version: ++this.version },
      leaseOwner: null,
      leaseUntil: 0,
      leaseExpired: false,
      dueStamp: 0,
      leaseStamp: 0,
    };
    this.jobs.set(job.id, entry);
    this.refreshDue(entry);
  }

  /** The lease is store state, not part of the job: a change made while the job runs keeps it. */
  replace(job: Job): void {
    const entry = this.jobs.get(job.id) as Entry;
    entry.job = { ...cloneJob(job), version: ++this.version };
    this.refreshDue(entry);
    this.compactIfNeeded();
  }

  /** Every job in the getJobs order (next run time, never-running last, then id). */
  sorted(): Job[] {
    const jobs = [...this.jobs.values()].map((e) => e.job);
    jobs.sort((a, b) => {
      const ta = a.nextRunTime?.getTime() ?? Number.POSITIVE_INFINITY;
      const tb = b.nextRunTime?.getTime() ?? Number.POSITIVE_INFINITY;
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    return jobs.map(cloneJob);
  }

  /**
   * One pass over every job keeping the best `limit` in a bounded max-heap: O(n log limit), no
   * copy or sort of the whole set (an embedded store holds few enough jobs for a scan).
   */
  page(query: JobListQuery): Job[] {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const { after } = query;
    const worstFirst = new BinaryHeap<Job>((a, b) => compareJobListKeys(a, b) > 0);
    for (const { job } of this.jobs.values()) {
      if (after !== undefined && compareJobListKeys(job, after) <= 0) continue;
      if (!matchesJobListQuery(job, query)) continue;
      if (worstFirst.size < limit) worstFirst.push(job);
      else if (compareJobListKeys(job, worstFirst.peek() as Job) < 0) {
        worstFirst.pop();
        worstFirst.push(job);
      }
    }
    const page: Job[] = [];
    for (let job = worstFirst.pop(); job; job = worstFirst.pop()) page.push(cloneJob(job));
    return page.reverse();
  }

  /**
   * Without a `now`, a lease counts as held until an acquire sees it expired; the scheduler polls
   * at least every `maxPollMs`, so an abandoned lease is still reclaimed.
   */
  nextRunTime(): Date | null {
    const top = this.liveDueTop();
    return top ? new Date(top.at) : null;
  }

  acquireDue(owner: string, now: number, leaseUntil: number, limit: number): Job[] {
    this.reclaimExpiredLeases(now);
    const acquired: Job[] = [];
    const notYet: HeapItem[] = [];
    while (acquired.length < limit) {
      const top = this.liveDueTop();
      if (!top || top.at > now) break;
      this.due.pop();
      const entry = this.jobs.get(top.id) as Entry;
      // Seen expired by an acquire at a later `now` than this one: not expired yet for this caller.
      if (entry.leaseOwner !== null && entry.leaseUntil > now) {
        notYet.push(top);
        continue;
      }
      this.lease(entry, owner, leaseUntil);
      acquired.push(cloneJob(entry.job));
    }
    for (const item of notYet) this.due.push(item);
    this.compactIfNeeded();
    return acquired;
  }

  lease(entry: Entry, owner: string, until: number): void {
    entry.leaseOwner = owner;
    entry.leaseUntil = until;
    entry.leaseExpired = false;
    entry.leaseStamp = ++this.stamp;
    this.leases.push({ at: until, id: entry.job.id, stamp: entry.leaseStamp });
    this.refreshDue(entry);
  }

  release(entry: Entry): void {
    entry.leaseOwner = null;
    entry.leaseExpired = false;
    entry.leaseStamp = ++this.stamp;
    this.refreshDue(entry);
  }

  /** Lazy deletion leaves dead items behind; rebuild once they outnumber the live ones. */
  compactIfNeeded(): void {
    const bound = 2 * this.jobs.size + 1024;
    if (this.due.size > bound) {
      const items: HeapItem[] = [];
      for (const entry of this.jobs.values()) {
        const { job } = entry;
        const free = entry.leaseOwner === null || entry.leaseExpired;
        if (!job.paused && job.nextRunTime !== null && free) {
          items.push({ at: job.nextRunTime.getTime(), id: job.id, stamp: entry.dueStamp });
        }
      }
      this.due.replaceAll(items);
    }
    if (this.leases.size > bound) {
      const items: HeapItem[] = [];
      for (const entry of this.jobs.values()) {
        if (entry.leaseOwner !== null && !entry.leaseExpired) {
          items.push({ at: entry.leaseUntil, id: entry.job.id, stamp: entry.leaseStamp });
        }
      }
      this.leases.replaceAll(items);
    }
  }

  /** Invalidate the job's heap item and push a new one if the job may be acquired. */
  private refreshDue(entry: Entry): void {
    entry.dueStamp = ++this.stamp;
    const { job } = entry;
    const free = entry.leaseOwner === null || entry.leaseExpired;
    if (!job.paused && job.nextRunTime !== null && free) {
      this.due.push({ at: job.nextRunTime.getTime(), id: job.id, stamp: entry.dueStamp });
    }
  }

  private reclaimExpiredLeases(now: number): void {
    for (let top = this.leases.peek(); top && top.at <= now; top = this.leases.peek()) {
      this.leases.pop();
      const entry = this.jobs.get(top.id);
      if (!entry || entry.leaseStamp !== top.stamp || entry.leaseOwner === null) continue;
      entry.leaseExpired = true;
      this.refreshDue(entry);
    }
  }

  private liveDueTop(): HeapItem | undefined {
    for (let top = this.due.peek(); top; top = this.due.peek()) {
      if (this.jobs.get(top.id)?.dueStamp === top.stamp) return top;
      this.due.pop();
    }
    return undefined;
  }
}
