import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

import type { BusMessage, InboundRecord } from '../event-bus';

/** kafkajs header values may be Buffers or lists; the bus speaks UTF-8 strings (lists joined by ','). */
function headersToText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    out[name] = Array.isArray(raw) ? raw.map((v) => v.toString()).join(',') : raw.toString();
  }
  return out;
}

export function toInboundRecord(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: headersToText(message.headers),
  };
}

function toKafkaMessage(message: BusMessage): Message {
  return { key: message.key, value: message.value, headers: { ...message.headers } };
}

/** Messages grouped by topic, each group in the order given (so per-key order holds). */
export function groupByTopic(messages: BusMessage[]): Array<{ topic: string; messages: Message[] }> {
  const groups = new Map<string, Message[]>();
  for (const m of messages) {
    let group = groups.get(m.topic);
    if (!group) groups.set(m.topic, (group = []));
    group.push(toKafkaMessage(m));
  }
  return [...groups].map(([topic, msgs]) => ({ topic, messages: msgs }));
}
