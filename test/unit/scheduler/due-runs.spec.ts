import {
  COALESCE_WALK_LIMIT,
  computeDueRuns,
  MAX_DUE_RUNS,
  splitDueRuns,
} from '../../../src/scheduler/due-runs';
import { triggerFromJSON } from '../../../src/scheduler/triggers';
import { at, iso } from './harness';

describe('computeDueRuns', () => {
  const every10s = triggerFromJSON({ type: 'interval', seconds: 10, startDate: at(0).toISOString() });

  it('lists run times from the next run time up to now, and the one after', () => {
    const due = computeDueRuns(every10s, at(10), at(35), false);
    expect(due.runTimes.map(iso)).toEqual([at(10), at(20), at(30)].map(iso));
    expect(iso(due.next)).toBe(iso(at(40)));
  });

  it('includes a run time equal to now', () => {
    expect(computeDueRuns(every10s, at(10), at(20), true).runTimes.map(iso)).toEqual(
      [at(10), at(20)].map(iso),
    );
  });

  it('without coalesce, pages a long backlog: at most MAX_DUE_RUNS, next stays at the first left', () => {
    const due = computeDueRuns(every10s, at(10), at(10 * 1000), false);
    expect(due.runTimes).toHaveLength(MAX_DUE_RUNS);
    expect(iso(due.next)).toBe(iso(at(10 * (MAX_DUE_RUNS + 1))));
  });

  it('with coalesce, keeps the first run times and the latest of a long backlog', () => {
    const due = computeDueRuns(every10s, at(10), at(10 * 1000), true);
    expect(due.runTimes).toHaveLength(MAX_DUE_RUNS);
    expect(iso(due.runTimes[MAX_DUE_RUNS - 2])).toBe(iso(at(10 * (MAX_DUE_RUNS - 1))));
    expect(iso(due.runTimes[MAX_DUE_RUNS - 1])).toBe(iso(at(10 * 1000)));
    expect(iso(due.next)).toBe(iso(at(10 * 1001)));
  });

  it('with coalesce, jumps to now past the walk limit', () => {
    const far = 10 * (COALESCE_WALK_LIMIT + 5000);
    const due = computeDueRuns(every10s, at(10), at(far), true);
    expect(iso(due.runTimes[due.runTimes.length - 1])).toBe(iso(at(far)));
    expect(iso(due.next)).toBe(iso(at(far + 10)));
    const between = computeDueRuns(every10s, at(10), at(far + 5), true);
    expect(iso(between.runTimes[between.runTimes.length - 1])).toBe(iso(at(10 * COALESCE_WALK_LIMIT)));
    expect(iso(between.next)).toBe(iso(at(far + 10)));
  });

  it('ends with a null next for a trigger that is done', () => {
    const once = triggerFromJSON({ type: 'date', runDate: at(5).toISOString() });
    expect(computeDueRuns(once, at(5), at(6), true)).toEqual({ runTimes: [at(5)], next: null });
  });
});

describe('splitDueRuns', () => {
  const times = [at(0), at(10), at(20), at(30)];

  it('misses runs later than the grace time; coalesce runs the latest of the rest once', () => {
    expect(splitDueRuns(times, at(35), { misfireGraceTime: 20, coalesce: true })).toEqual({
      missed: [at(0), at(10)],
      toRun: [at(30)],
    });
    expect(splitDueRuns(times, at(35), { misfireGraceTime: 20, coalesce: false })).toEqual({
      missed: [at(0), at(10)],
      toRun: [at(20), at(30)],
    });
  });

  it('runs however late with a null grace time, and exactly at the grace limit', () => {
    expect(splitDueRuns(times, at(1e6), { misfireGraceTime: null, coalesce: false }).toRun).toHaveLength(4);
    expect(splitDueRuns([at(0)], at(5), { misfireGraceTime: 5, coalesce: true }).toRun).toEqual([at(0)]);
  });
});
