import type { InboundMessage } from '../../src/messaging/inbound/inbound-message';

let offset = 0;

/** A message as the inbound consumer hands it to a service: partition 0, the next offset, no key or headers. */
export function inboundMessage<T>(topic: string, value: T & { eventId: string }): InboundMessage<T> {
  return {
    topic,
    partition: 0,
    offset: String(offset++),
    key: null,
    value,
    headers: {},
    eventId: value.eventId,
  };
}
