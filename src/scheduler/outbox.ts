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
