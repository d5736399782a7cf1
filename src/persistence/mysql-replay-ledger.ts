import type { DataSource } from 'typeorm';

import type {
  DeadLetterRef,
  ReplayEntry,
  ReplayLedger,
  ReplayStatus,
} from '../messaging/dead-letters/replay-ledger';

interface Row {
  dlq_topic: string;
  dlq_partition: number;
  dlq_offset: string;
  source_topic: string;
  status: ReplayStatus;
  claimed_at: Date;
  published_at: Date | null;
}

/** The replay ledger in MySQL (table dlq_replays); the only code that writes that table. */
export class MySqlReplayLedger implements ReplayLedger {
  constructor(private readonly dataSource: DataSource) {}

  async claim(
    entries: Array<DeadLetterRef & { sourceTopic: string }>,
    at: Date,
    retryFailed: boolean,
  ): Promise<DeadLetterRef[]> {
    const claimed: DeadLetterRef[] = [];
    // One statement per message: the primary key decides who claims it (affectedRows 1 = us).
    for (const e of entries) {
      const inserted = (await this.dataSource.query(
        `INSERT IGNORE INTO dlq_replays (dlq_topic, dlq_partition, dlq_offset, source_topic, status, claimed_at)
         VALUES (?, ?, ?, ?, 'claimed', ?)`,
        [e.dlqTopic, e.partition, e.offset, e.sourceTopic, at],
      )) as { affectedRows: number };
      let mine = inserted.affectedRows === 1;
      if (!mine && retryFailed) {
        const updated = (await this.dataSource.query(
          `UPDATE dlq_replays SET status = 'claimed', claimed_at = ?, published_at = NULL
           WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ? AND status = 'failed'`,
          [at, e.dlqTopic, e.partition, e.offset],
        )) as { affectedRows: number };
        mine = updated.affectedRows === 1;
      }
      if (mine) claimed.push({ dlqTopic: e.dlqTopic, partition: e.partition, offset: e.offset });
    }
    return claimed;
  }

  async settle(refs: DeadLetterRef[], status: 'published' | 'failed', at: Date): Promise<void> {
    for (const r of refs)
      await this.dataSource.query(
        `UPDATE dlq_replays SET status = ?, published_at = ?
         WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?`,
        [status, status === 'published' ? at : null, r.dlqTopic, r.partition, r.offset],
      );
  }

  async find(dlqTopic: string, partition: number, offsets: string[]): Promise<ReplayEntry[]> {
    if (offsets.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT dlq_topic, dlq_partition, dlq_offset, source_topic, status, claimed_at, published_at
       FROM dlq_replays WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset IN (?)`,
      [dlqTopic, partition, offsets],
    )) as Row[];
    return rows.map((r) => ({
      dlqTopic: r.dlq_topic,
      partition: Number(r.dlq_partition),
      offset: String(r.dlq_offset),
      sourceTopic: r.source_topic,
      status: r.status,
      claimedAt: r.claimed_at,
      publishedAt: r.published_at,
    }));
  }

  async countPublished(dlqTopic: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM dlq_replays WHERE dlq_topic = ? AND status = 'published'`,
      [dlqTopic],
    )) as Array<{ n: string | number }>;
    return Number(row?.n ?? 0);
  }
}
