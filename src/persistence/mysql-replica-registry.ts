import type { DataSource } from 'typeorm';

import type { MinuteActivity } from '../dashboard/activity/minute-buckets';
import type { ReplicaRegistry, ReplicaReport } from '../dashboard/replicas/replica-registry';
import { ALL_OUTBOX_SHARDS } from '../scheduler';

interface Row {
  replica_id: string;
  started_at: Date;
  seen_at: Date;
  relay_leader: number | string;
  leases_held: number | string;
  report: string | { leasedJobIds?: string[]; activity?: MinuteActivity[]; relayShards?: number[] };
}

/** Heartbeats in table service_replicas; the only code that writes it. */
export class MySqlReplicaRegistry implements ReplicaRegistry {
  constructor(private readonly dataSource: DataSource) {}

  async report(r: ReplicaReport): Promise<void> {
    const report = JSON.stringify({
      leasedJobIds: r.leasedJobIds,
      activity: r.activity,
      relayShards: r.relayShards,
    });
    // relay_leader (relays any shard) is what versions without shards read.
    await this.dataSource.query(
      `INSERT INTO service_replicas (replica_id, started_at, seen_at, relay_leader, leases_held, report)
       VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE started_at = VALUES(started_at), seen_at = VALUES(seen_at),
         relay_leader = VALUES(relay_leader), leases_held = VALUES(leases_held), report = VALUES(report)`,
      [r.replicaId, r.startedAt, r.seenAt, r.relayShards.length > 0 ? 1 : 0, r.leasesHeld, report],
    );
  }

  async seenSince(since: Date): Promise<ReplicaReport[]> {
    const rows = (await this.dataSource.query(
      `SELECT replica_id, started_at, seen_at, relay_leader, leases_held, report
       FROM service_replicas WHERE seen_at >= ? ORDER BY seen_at DESC LIMIT 200`,
      [since],
    )) as Row[];
    return rows.map((row) => {
      const report = typeof row.report === 'string' ? JSON.parse(row.report) : row.report;
      return {
        replicaId: row.replica_id,
        startedAt: row.started_at,
        seenAt: row.seen_at,
        leasesHeld: Number(row.leases_held),
        leasedJobIds: Array.isArray(report?.leasedJobIds) ? report.leasedJobIds : [],
        // A replica of a version without shards reports none: all of them when it leads.
        relayShards: Array.isArray(report?.relayShards)
          ? report.relayShards
          : Number(row.relay_leader) === 1
            ? [...ALL_OUTBOX_SHARDS]
            : [],
        activity: Array.isArray(report?.activity) ? report.activity : [],
      };
    });
  }

  async prune(before: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM service_replicas WHERE seen_at < ?', [before]);
  }
}
