import type { Job } from '../../scheduler';
import { RequestValidationError } from '../problem/request-errors';

/** Where a page ended: the last job's sort key (next run time in ms, null when paused, and id). */
export interface JobCursor {
  t: number | null;
  id: string;
}

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
  if (c.t !== null && !(typeof c.t === 'number' && Number.isFinite(c.t))) return bad();
  return { t: c.t ?? null, id: c.id };
}

/** The list order: next run time (paused, i.e. none, last), then id. */
export function compareKeys(a: JobCursor, b: JobCursor): number {
  if (a.t !== b.t) {
    if (a.t === null) return 1;
    if (b.t === null) return -1;
    return a.t - b.t;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const keyOf = (job: Job): JobCursor => ({
  t: job.nextRunTime ? job.nextRunTime.getTime() : null,
  id: job.id,
});
