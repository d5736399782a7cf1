import type { StoredOutboxEvent } from '../scheduler';
import type { BusMessage } from './event-bus';
import { EVENT_ID_HEADER } from './publish-handler';

/**
 * How an outbox event goes on the wire (DESIGN section 6: every message carries its eventId in the
 * body and the x-event-id header):
 * - a JSON object: `eventId` added when absent (an existing one is kept), sent as JSON text;
 * - a string: already serialized, sent as its UTF-8 bytes unchanged;
 * - any other JSON value (array, number, boolean, null): sent as JSON text.
 * The x-event-id header is always the outbox event's id.
 */
export function toBusMessage(event: StoredOutboxEvent): BusMessage {
  return {
    topic: event.topic,
    key: event.key,
    value: serializeValue(event.value, event.eventId),
    headers: { ...event.headers, [EVENT_ID_HEADER]: event.eventId },
  };
}

export function serializeValue(value: StoredOutboxEvent['value'], eventId: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return JSON.stringify('eventId' in value ? value : { eventId, ...value });
  }
  return JSON.stringify(value);
}
