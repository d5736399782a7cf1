import type { MinuteActivity } from '../activity/minute-buckets';

/** What a replica says about itself in its heartbeat. */
export interface ReplicaReport {
  replicaId: string;
  startedAt: Date;
  seenAt: Date;
  /** The outbox shards its relay publishes (empty: it stands by). */
  relayShards: number[];
  /** Runs it holds a lease for right now (claimed, not yet committed): count, and up to 50 job ids. */
  leasesHeld: number;
  leasedJobIds: string[];
  /** Its fires and publishes of the last hour, per minute. */
  activity: MinuteActivity[];
}

/**
 * Where replicas publish their heartbeat, so any one of them can show the others (the dashboard's
 * overview). MySQL: table service_replicas; embedded: this process only.
 */
export interface ReplicaRegistry {
  report(report: ReplicaReport): Promise<void>;
  /** Replicas whose last heartbeat is at or after `since`, newest first. */
  seenSince(since: Date): Promise<ReplicaReport[]>;
  /** Forgets replicas silent since before `before`. */
  prune(before: Date): Promise<void>;
}

export class MemoryReplicaRegistry implements ReplicaRegistry {
  private readonly reports = new Map<string, ReplicaReport>();

  async report(report: ReplicaReport): Promise<void> {
    this.reports.set(report.replicaId, structuredClone(report));
  }

  async seenSince(since: Date): Promise<ReplicaReport[]> {
    return [...this.reports.values()]
      .filter((r) => r.seenAt.getTime() >= since.getTime())
      .sort((a, b) => b.seenAt.getTime() - a.seenAt.getTime())
      .map((r) => structuredClone(r));
  }

  async prune(before: Date): Promise<void> {
    for (const [id, r] of this.reports) if (r.seenAt.getTime() < before.getTime()) this.reports.delete(id);
  }
}
