import type { OutboxEvent } from '../scheduler/outbox';
import type {
  DeadLetteredEvent,
  DeadLetterQuery,
  StoredOutboxEvent,
  UnsentQuery,
} from '../scheduler/ports/outbox-store';
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
  attempts: number | string;
  last_error: string | null;
  first_failed_at: Date | string | null;
}

const COLUMNS =
  'id, event_id, topic, msg_key, value, headers, created_at, attempts, last_error, first_failed_at';

/** Longest error text kept (last_error is VARCHAR(1024)). */
const ERROR_CHARS = 1000;

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
    attempts: Number(row.attempts ?? 0),
    lastError: row.last_error ?? null,
    firstFailedAt: fromSqlTime(row.first_failed_at),
  };
}

/**
 * Range scan of idx_scheduler_outbox_unsent (sent_at, id, shard) from its NULL end: id order, no
 * filesort. Events in flight and other relays' shards are skipped on the index itself; isolated
 * topics are few rows.
 */
export async function selectUnsent(
  sql: Sql,
  limit: number,
  query: UnsentQuery = {},
): Promise<StoredOutboxEvent[]> {
  if (limit <= 0) return [];
  const where = ['sent_at IS NULL'];
  const parameters: unknown[] = [];
  if (query.excludeIds && query.excludeIds.length > 0) {
    where.push('id NOT IN (?)');
    parameters.push(query.excludeIds);
  }
  if (query.excludeTopics && query.excludeTopics.length > 0) {
    where.push('topic NOT IN (?)');
    parameters.push(query.excludeTopics);
  }
  if (query.topic !== undefined) {
    where.push('topic = ?');
    parameters.push(query.topic);
  }
  if (query.shards !== undefined) {
    if (query.shards.length === 0) return [];
    where.push('shard IN (?)');
    parameters.push(query.shards);
  }
  const rows = await selectRows<OutboxRow>(
    sql,
    `SELECT ${COLUMNS} FROM scheduler_outbox FORCE INDEX (idx_scheduler_outbox_unsent) ` +
      `WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
    [...parameters, Math.floor(limit)],
  );
  return rows.map(rowToEvent);
}

export async function recordFailureRows(sql: Sql, ids: string[], error: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await execute(
    sql,
    `UPDATE scheduler_outbox ${BY_ID} SET attempts = attempts + 1, last_error = ?, ` +
      'first_failed_at = COALESCE(first_failed_at, ?) WHERE id IN (?) AND sent_at IS NULL',
    [error.slice(0, ERROR_CHARS), toSqlTime(at), ids],
  );
}

/** Dead and done: sent_at set too, so the unsent scan and the backlog never see the row again. */
export async function markRowsDead(sql: Sql, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  const time = toSqlTime(at);
  await execute(
    sql,
    `UPDATE scheduler_outbox ${BY_ID} SET dead_at = ?, sent_at = ? WHERE id IN (?) AND sent_at IS NULL`,
    [time, time, ids],
  );
}

/** Keyset page on idx_scheduler_outbox_dead (dead_at, id), read backwards. */
export async function selectDeadLetters(sql: Sql, query: DeadLetterQuery): Promise<DeadLetteredEvent[]> {
  const limit = Math.max(0, Math.floor(query.limit));
  if (limit === 0) return [];
  const after = query.after;
  const rows = await selectRows<OutboxRow & { dead_at: Date | string }>(
    sql,
    `SELECT ${COLUMNS}, dead_at FROM scheduler_outbox FORCE INDEX (idx_scheduler_outbox_dead) ` +
      'WHERE dead_at IS NOT NULL' +
      (after ? ' AND (dead_at < ? OR (dead_at = ? AND id < ?))' : '') +
      ' ORDER BY dead_at DESC, id DESC LIMIT ?',
    after ? [toSqlTime(after.deadAt), toSqlTime(after.deadAt), after.id, limit] : [limit],
  );
  return rows.map((row) => ({
    ...rowToEvent(row),
    attempts: Number(row.attempts ?? 0),
    lastError: row.last_error ?? null,
    deadAt: fromSqlTime(row.dead_at) ?? new Date(NaN),
  }));
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
