import type { Connection } from 'mysql2/promise';

import type { EffectSample } from '../stats';

/**
 * The effects of a run as an outbox table holds them: each row's scheduled time (`scheduledAt` in
 * its JSON value for order cancels, the x-scheduler-scheduled-at header for the publish action) and
 * its created_at, the time the row was written in the committing transaction.
 */
export async function outboxEffects(
  c: Connection,
  table: string,
  cancelTopic: string,
): Promise<EffectSample> {
  const [rows] = await c.query(
    `SELECT COALESCE(JSON_VALUE(value, '$.scheduledAt'), JSON_VALUE(headers, '$."x-scheduler-scheduled-at"')) AS s, ` +
      `TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', created_at) AS e, event_id AS id ` +
      `FROM ${table} WHERE topic = ?`,
    [cancelTopic],
  );
  const list = rows as { s: string; e: string | number; id: string }[];
  const seen = new Set<string>();
  let duplicates = 0;
  const scheduledMs = new Float64Array(list.length);
  const effectMs = new Float64Array(list.length);
  list.forEach((r, i) => {
    scheduledMs[i] = Date.parse(r.s);
    effectMs[i] = Number(r.e) / 1000;
    if (seen.has(r.id)) duplicates++;
    seen.add(r.id);
  });
  return { scheduledMs, effectMs, duplicates };
}

/** Far-future jobs written server side from MariaDB's sequence engine, 100k rows per statement. */
export async function insertFromSequence(
  c: Connection,
  count: number,
  statement: (from: number, to: number) => string,
): Promise<void> {
  for (let start = 0; start < count; start += 100_000) {
    const n = Math.min(100_000, count - start);
    await c.query(statement(start, start + n - 1));
  }
}
