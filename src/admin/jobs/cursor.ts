import type { Job, JobListKey } from '../../scheduler';
import { RequestValidationError } from '../problem/request-errors';

/** Where a page ended: the last job's sort key (next run time in ms, null when paused, and id). */
export interface JobCursor {
  t: number | null;
  id: string;
}

// Times a stored job can have (four-digit years): anything else is forged and must not reach SQL.
const MIN_T = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_T = Date.parse('9999-12-31T23:59:59.999Z');

export function encodeCursor(job: Job): string {
  const key: JobCursor = { t: job.nextRunTime ? job.nextRunTime.getTime() : null, id: job.id };
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** @throws RequestValidationError (field `cursor`) for anything this API did not issue. */
export function decodeCursor(text: string): JobCursor {
  const bad = (): never => {
    throw RequestValidationError.of('cursor', 'is not a cursor this API issued');
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return bad();
  }
  const c = parsed as Partial<JobCursor> | null;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'string') return bad();
  const { t } = c;
  if (t !== null && !(typeof t === 'number' && Number.isInteger(t) && t >= MIN_T && t <= MAX_T)) return bad();
  return { t, id: c.id };
}

/** The store's keyset bound for the page after this cursor. */
export const cursorToKey = (c: JobCursor): JobListKey => ({
  nextRunTime: c.t === null ? null : new Date(c.t),
  id: c.id,
});
