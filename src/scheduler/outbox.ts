import { crc32 } from 'node:zlib';

import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

import type { JsonValue } from './job';

/**
 * A message a run wants published. It is committed with the run's completion (transactional
 * outbox) and published later by a relay, so a run's effects happen exactly when its state commits.
 */
export interface OutboxEvent {
  /** Deterministic for (job, scheduled run time, kind): a re-run after a crash emits the same id. */
  eventId: string;
  topic: string;
  key: string | null;
  /** JSON value, or an already serialized string passed through unchanged. */
  value: JsonValue;
  headers: Record<string, string>;
}

/**
 * Namespace for the v5 ids of emitted events (any fixed UUID; never change it), parsed once: uuid
 * re-parses a string namespace and re-encodes a string name on every call (~30 % of its cost).
 */
const EVENT_NAMESPACE = parseUuid('6f1c7a58-3c1e-4e7a-9d0b-6a8f3e0c2b41');

/** The event id for one kind of event emitted by one run of one job. */
export function eventIdFor(jobId: string, scheduledAt: Date, kind: string): string {
  return uuidv5(Buffer.from(`${jobId}|${scheduledAt.toISOString()}|${kind}`, 'utf8'), EVENT_NAMESPACE);
}

/**
 * The outbox is split into this many shards by message key, so that several replicas can relay it
 * at once while each key stays with one relay (per-key order). Fixed: a row keeps its shard for
 * life, so changing it would move keys between relays. MySQL stores it as a generated column
 * (`CRC32(IFNULL(msg_key, '')) % 16`); `outboxShard` is the same function.
 */
export const OUTBOX_SHARDS = 16;

/** Every shard, 0 to OUTBOX_SHARDS - 1. */
export const ALL_OUTBOX_SHARDS: readonly number[] = Object.freeze(
  Array.from({ length: OUTBOX_SHARDS }, (_, i) => i),
);

/** The shard of an event: CRC-32 of its key's UTF-8 bytes (events without a key share shard 0). */
export function outboxShard(key: string | null): number {
  return key === null ? 0 : crc32(Buffer.from(key, 'utf8')) % OUTBOX_SHARDS;
}
