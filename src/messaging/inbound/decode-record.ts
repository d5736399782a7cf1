import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError as ClassValidationError } from 'class-validator';
import { v5 as uuidv5 } from 'uuid';

import type { InboundRecord } from '../event-bus';
import { jsonTextDepth, MAX_JSON_DEPTH } from '../../scheduler/validation';
import { EVENT_ID_HEADER } from '../publish-handler';
import type { DtoClass, InboundMessage } from './inbound-message';
import { inboundSchemaOf } from './inbound-schema';

/** Why a message was dead-lettered: the `x-dlq-error-code` header. */
export type DecodeErrorCode =
  | 'EMPTY_VALUE'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_JSON'
  | 'JSON_TOO_DEEP'
  | 'NOT_AN_OBJECT'
  | 'VALIDATION_FAILED';

export type DecodeResult<T> =
  | { ok: true; message: InboundMessage<T> }
  | { ok: false; code: DecodeErrorCode; error: string; fields: string[] };

/** Namespace of ids derived for messages that carry no eventId (any fixed UUID; never change it). */
const DERIVED_EVENT_NAMESPACE = '2f0d7c1e-8b4a-4c55-9a63-0e5b1f6d7a90';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Size check, depth check on the raw text (before parsing: the parser, class-transformer and the
 * database all have depth limits of their own), JSON parse, then the DTO's compiled shortcut schema
 * (inbound-schema.ts) and, for whatever it does not accept, DTO transform and validation
 * (whitelist, forbidUnknownValues, no implicit conversion), which decides and names the fields.
 */
export async function decodeRecord<T extends object>(
  record: InboundRecord,
  dto: DtoClass<T>,
  maxBytes: number,
  maxDepth: number = MAX_JSON_DEPTH,
): Promise<DecodeResult<T>> {
  const fail = (code: DecodeErrorCode, error: string, fields: string[] = []): DecodeResult<T> => ({
    ok: false,
    code,
    error,
    fields,
  });
  if (record.value === null || record.value.length === 0)
    return fail('EMPTY_VALUE', 'the message has no value');
  if (record.value.length > maxBytes)
    return fail(
      'MESSAGE_TOO_LARGE',
      `value is ${record.value.length} bytes, more than the ${maxBytes} allowed`,
    );
  let json: unknown;
  let text: string;
  try {
    text = utf8.decode(record.value);
    const depth = jsonTextDepth(text);
    if (depth > maxDepth)
      return fail('JSON_TOO_DEEP', `value is nested ${depth} levels deep, more than the ${maxDepth} allowed`);
    json = JSON.parse(text);
  } catch (error) {
    return fail(
      'INVALID_JSON',
      `value is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail(
      'NOT_AN_OBJECT',
      `value must be a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`,
    );
  // '__proto__' keys are left to class-transformer, which assigns rather than defines properties.
  const shortcut = text.includes('__proto__') ? undefined : inboundSchemaOf(dto);
  if (shortcut) {
    if (shortcut(json)) return accepted(record, json as T, json as Record<string, unknown>);
    json = JSON.parse(text); // the schema may have removed properties before it failed
  }
  const value = plainToInstance(dto, json) as T;
  const errors = await validate(value, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = flatten(errors);
    return fail(
      'VALIDATION_FAILED',
      problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
      problems.map((p) => p.field),
    );
  }
  return accepted(record, value, json as Record<string, unknown>);
}

function accepted<T>(record: InboundRecord, value: T, body: Record<string, unknown>): DecodeResult<T> {
  return {
    ok: true,
    message: {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      value,
      headers: record.headers,
      eventId: eventIdOf(record, body),
    },
  };
}

function eventIdOf(record: InboundRecord, body: Record<string, unknown>): string {
  if (typeof body.eventId === 'string' && body.eventId !== '') return body.eventId;
  const header = record.headers[EVENT_ID_HEADER];
  if (header) return header;
  return uuidv5(`${record.topic}|${record.partition}|${record.offset}`, DERIVED_EVENT_NAMESPACE);
}

/** Nested class-validator errors as dotted paths ("items.0.quantity") with their reasons. */
function flatten(errors: ClassValidationError[], prefix = ''): Array<{ field: string; reason: string }> {
  const out: Array<{ field: string; reason: string }> = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const reason of Object.values(error.constraints ?? {})) out.push({ field, reason });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}
