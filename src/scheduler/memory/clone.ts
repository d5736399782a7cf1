import type { Job } from '../job';
import type { OutboxEvent } from '../outbox';

/**
 * Copies in and out of the memory store, so a caller mutating what it passed in or got back never
 * changes stored state (the SQL store gets this for free by serializing).
 */
export function cloneJob(job: Job): Job {
  return {
    ...job,
    trigger: structuredClone(job.trigger),
    action: structuredClone(job.action),
    nextRunTime: job.nextRunTime === null ? null : new Date(job.nextRunTime.getTime()),
  };
}

export function cloneEvent<E extends OutboxEvent>(event: E): E {
  return { ...event, value: structuredClone(event.value), headers: { ...event.headers } };
}
