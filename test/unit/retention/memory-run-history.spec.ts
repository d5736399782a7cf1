import type { RunHistoryEntry } from '../../../src/scheduler';
import { MemoryRunHistory } from '../../../src/scheduler/memory/memory-run-history';

// Retention of the memory store's run history: a batch stops at its limit (it walks the oldest
// entries only) and leaves the eviction order consistent for later appends.

const at = (minute: number): Date => new Date(Date.UTC(2030, 0, 1, 0, minute));
const entry = (jobId: string, minute: number): RunHistoryEntry => ({
  jobId,
  scheduledAt: at(minute),
  startedAt: at(minute),
  finishedAt: at(minute),
  outcome: 'success',
  error: null,
  owner: 'r1',
  attempt: 1,
});
const minutes = (history: MemoryRunHistory, jobId: string): number[] =>
  history.get(jobId, 100).map((e) => e.scheduledAt.getUTCMinutes());

it('prunes oldest first up to the limit, spares keep-last of live jobs, then evicts in order', () => {
  const history = new MemoryRunHistory(8);
  for (let m = 0; m < 6; m++) history.append(entry(m % 2 === 0 ? 'live' : 'gone', m));
  const live = (id: string): boolean => id === 'live';
  // Old: minutes < 5. live has 0, 2, 4 (keeps the newest 2: 2 and 4); gone has 1, 3 (5 is too new).
  expect(history.prune(at(5), 2, 2, live)).toBe(2);
  expect(minutes(history, 'live')).toEqual([4, 2]);
  expect(minutes(history, 'gone')).toEqual([5, 3]);
  expect(history.prune(at(5), 2, 10, live)).toBe(1);
  expect(minutes(history, 'gone')).toEqual([5]);
  expect(history.prune(at(5), 2, 10, live)).toBe(0);
  expect(history.size).toBe(3);
  // 6 more: the cap of 8 evicts the oldest remaining (live 2), nothing pruned comes back.
  for (let m = 10; m < 16; m++) history.append(entry('live', m));
  expect(history.size).toBe(8);
  expect(minutes(history, 'live')).toEqual([15, 14, 13, 12, 11, 10, 4]);
  expect(minutes(history, 'gone')).toEqual([5]);
});
