import type { JobOptions } from './job';
import type { Trigger } from './triggers';

/**
 * At most this many run times are handled per job per wake-up. Without coalesce the rest of a
 * backlog is not lost: the job's next run time stays at the first unprocessed one (still due), so
 * the backlog is worked through over the following wake-ups. With coalesce only the first ones and
 * the latest are kept (so at most this many misses are recorded per wake-up).
 */
export const MAX_DUE_RUNS = 100;

export interface DueRuns {
  /** Due run times, ascending (at most MAX_DUE_RUNS, plus one when a coalesced backlog is jumped). */
  runTimes: Date[];
  /** The job's next run time after these: null when the trigger is exhausted. */
  next: Date | null;
}

/** With coalesce only the latest due time runs, but finding it means walking the trigger; bounded. */
export const COALESCE_WALK_LIMIT = 10_000;

/** Run times of a job from `from` (its next run time) up to `now`, and the one after. */
export function computeDueRuns(trigger: Trigger, from: Date, now: Date, coalesce: boolean): DueRuns {
  const runTimes: Date[] = [];
  let next: Date | null = from;
  if (!coalesce) {
    while (next !== null && next <= now && runTimes.length < MAX_DUE_RUNS) {
      runTimes.push(next);
      next = trigger.getNextFireTime(next, now);
    }
    return { runTimes, next };
  }
  // Keep the first ones (to record as missed if late) and the latest (the one that runs).
  let latest: Date | null = null;
  for (let steps = 0; next !== null && next <= now && steps < COALESCE_WALK_LIMIT; steps++) {
    if (runTimes.length < MAX_DUE_RUNS - 1) runTimes.push(next);
    else latest = next;
    next = trigger.getNextFireTime(next, now);
  }
  if (latest !== null) runTimes.push(latest);
  if (next !== null && next <= now) {
    // Still behind after the walk (e.g. a 1 s interval after days down): jump to the present.
    // The run happens at `now` if that is a fire time, else at the last time walked.
    const jump = trigger.getNextFireTime(null, now);
    if (jump !== null && jump.getTime() === now.getTime()) {
      runTimes.push(jump);
      next = trigger.getNextFireTime(jump, now);
    } else {
      next = jump;
    }
  }
  return { runTimes, next };
}
export interface SplitRuns {
  missed: Date[];
  /** Runs to execute: the latest only with coalesce. */
  toRun: Date[];
}

/** Runs later than the grace time are missed; with coalesce the others run once, at the latest. */
export function splitDueRuns(
  runTimes: Date[],
  now: Date,
  options: Pick<JobOptions, 'misfireGraceTime' | 'coalesce'>,
): SplitRuns {
  const graceMs =
    options.misfireGraceTime === null ? Number.POSITIVE_INFINITY : options.misfireGraceTime * 1000;
  const missed: Date[] = [];
  const onTime: Date[] = [];
  for (const t of runTimes) (now.getTime() - t.getTime() > graceMs ? missed : onTime).push(t);
  const toRun = options.coalesce && onTime.length > 1 ? [onTime[onTime.length - 1]] : onTime;
  return { missed, toRun };
}
