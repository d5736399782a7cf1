import type { OutboxEvent } from '../scheduler/outbox';
import type { StoredOutboxEvent } from '../scheduler/ports/outbox-store';
import { BY_ID, execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, toSqlTime } from './sql-time';

/** Rows per multi-row INSERT: far below max_allowed_packet even for large event values. */
const INSERT_CHUNK = 500;

/**
 * Insert events in insertion (id) order. A repeated event id is a no-op, not an error: ids are
 * deterministic per (job, run, kind), so a duplicate is the same event again (consumers dedupe on
 * it anyway), and failing would poison the whole completion batch it rides in.
 */
export async function insertOutboxRows(sql: Sql, events: OutboxEvent[], now: Date): Promise<void> {
  const createdAt = toSqlTime(now);
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const rows = events
      .slice(i, i + INSERT_CHUNK)
      .map((e) => [e.eventId, e.topic, e.key, JSON.stringify(e.value), JSON.stringify(e.headers), createdAt]);
    await execute(
      sql,
      'INSERT INTO scheduler_outbox (event_id, topic, msg_key, value, headers, created_at) VALUES ? ' +
        'ON DUPLICATE KEY UPDATE event_id = event_id',
      [rows],
    );
  }
}

interface OutboxRow {
  id: string | number;
  event_id: string;
  topic: string;
  msg_key: string | null;
  value: string;
  headers: unknown;
  created_at: Date | string;
}

function rowToEvent(row: OutboxRow): StoredOutboxEvent {
  return {
    id: String(row.id),
    eventId: row.event_id,
    topic: row.topic,
    key: row.msg_key,
    value: JSON.parse(row.value),
    headers: (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<
      string,
      string
    >,
    createdAt: fromSqlTime(row.created_at) ?? new Date(NaN),
  };
}

/** Range scan of idx_scheduler_outbox_unsent (sent_at, id) from its NULL end: id order, no filesort. */
export async function selectUnsent(sql: Sql, limit: number): Promise<StoredOutboxEvent[]> {
  if (limit <= 0) return [];
  const rows = await selectRows<OutboxRow>(
    sql,
    'SELECT id, event_id, topic, msg_key, value, headers, created_at FROM scheduler_outbox ' +
      'FORCE INDEX (idx_scheduler_outbox_unsent) WHERE sent_at IS NULL ORDER BY id LIMIT ?',
    [Math.floor(limit)],
  );
  return rows.map(rowToEvent);
}

export async function markRowsSent(sql: Sql, ids: string[], sentAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await execute(sql, `UPDATE scheduler_outbox ${BY_ID} SET sent_at = ? WHERE id IN (?) AND sent_at IS NULL`, [
    toSqlTime(sentAt),
    ids,
  ]);
}

/** One bounded DELETE; the caller loops so no single transaction grows with the backlog. */
export async function deleteSentChunk(sql: Sql, sentBefore: Date, chunk: number): Promise<number> {
  return execute(sql, 'DELETE FROM scheduler_outbox WHERE sent_at < ? ORDER BY sent_at LIMIT ?', [
    toSqlTime(sentBefore),
    chunk,
  ]);
}

export async function countUnsentRows(sql: Sql): Promise<number> {
  const rows = await selectRows<{ n: number | string }>(
    sql,
    'SELECT COUNT(*) AS n FROM scheduler_outbox WHERE sent_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}
