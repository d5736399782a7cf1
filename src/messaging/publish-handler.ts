import { type JsonValue, type RunContext, type Scheduler } from '../scheduler';
import { PublishArgsError } from './errors';

/** The action name jobs use: `{ handler: 'publish', args: PublishArgs }`. */
export const PUBLISH_ACTION = 'publish';
/** The emit kind of the one event a publish run emits (part of its deterministic eventId). */
const PUBLISH_EVENT_KIND = 'publish';

/**
 * Arguments of the publish action. `value` goes on the wire as the outbox relay serializes it:
 * a JSON object gets `eventId` added (unless it has one) and is sent as JSON text; any other JSON
 * value is sent as JSON text; a string is sent as its UTF-8 bytes unchanged (pre-serialized payloads).
 */
export interface PublishArgs {
  topic: string;
  key?: string | null;
  value: JsonValue;
  headers?: Record<string, string>;
}

export const SCHEDULER_JOB_ID_HEADER = 'x-scheduler-job-id';
export const SCHEDULER_SCHEDULED_AT_HEADER = 'x-scheduler-scheduled-at';
export const EVENT_ID_HEADER = 'x-event-id';

/** Checks a job's publish args (also usable by the admin API and commands before storing a job). */
export function parsePublishArgs(args: unknown): PublishArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new PublishArgsError('args', 'must be an object { topic, key?, value, headers? }');
  const { topic, key, value, headers } = args as Record<string, unknown>;
  if (typeof topic !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(topic))
    throw new PublishArgsError('topic', 'must be a Kafka topic name ([a-zA-Z0-9._-], 1-249 characters)');
  if (key !== undefined && key !== null && typeof key !== 'string')
    throw new PublishArgsError('key', 'must be a string or null');
  if (value === undefined) throw new PublishArgsError('value', 'is required (a JSON value or a string)');
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      throw new PublishArgsError('headers', 'must be an object of string values');
    for (const [name, v] of Object.entries(headers))
      if (typeof v !== 'string') throw new PublishArgsError(`headers.${name}`, 'must be a string');
  }
  return {
    topic,
    key: (key as string | null | undefined) ?? null,
    value: value as JsonValue,
    headers: headers as Record<string, string> | undefined,
  };
}

/** Emits the one outbox event of a publish run; its id is the same on every re-run of that scheduled time. */
export function publishAction(context: RunContext): void {
  const args = parsePublishArgs(context.args);
  const eventId = context.eventId(PUBLISH_EVENT_KIND);
  context.emit(PUBLISH_EVENT_KIND, {
    topic: args.topic,
    key: args.key ?? null,
    value: args.value,
    headers: {
      ...(args.headers ?? {}),
      [EVENT_ID_HEADER]: eventId,
      [SCHEDULER_JOB_ID_HEADER]: context.jobId,
      [SCHEDULER_SCHEDULED_AT_HEADER]: context.scheduledAt.toISOString(),
    },
  });
}

export function registerPublishHandler(scheduler: Scheduler): void {
  scheduler.registerHandler(PUBLISH_ACTION, publishAction);
}
