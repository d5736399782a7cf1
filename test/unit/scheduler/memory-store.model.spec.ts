import fc from 'fast-check';

import { MemoryJobStore } from '../../../src/scheduler/memory/memory-job-store';
import { makeJob, at } from '../../contract/job-store.contract';

/** The obvious O(n) store the heaps must agree with. */
interface ModelJob {
  next: number | null;
  paused: boolean;
  owner: string | null;
  until: number;
  /** An acquire saw this lease expired: visible to getNextRunTime again (it has no `now`). */
  seenExpired: boolean;
}

type Op =
  | { kind: 'add'; id: number; next: number }
  | { kind: 'update'; id: number; next: number | null }
  | { kind: 'remove'; id: number }
  | { kind: 'acquire'; owner: string; advance: number; limit: number }
  | { kind: 'complete'; owner: string; next: number | null }
  | { kind: 'release'; owner: string };

const owner = fc.constantFrom('a', 'b');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id: fc.nat(30), next: fc.nat(100) }),
  fc.record({ kind: fc.constant('update' as const), id: fc.nat(30), next: fc.option(fc.nat(100)) }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.nat(30) }),
  fc.record({
    kind: fc.constant('acquire' as const),
    owner,
    advance: fc.nat(20),
    limit: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({ kind: fc.constant('complete' as const), owner, next: fc.option(fc.nat(150)) }),
  fc.record({ kind: fc.constant('release' as const), owner }),
);

const LEASE = 30;

describe('MemoryJobStore against a naive model', () => {
  it('acquires and reports next run times exactly as a full scan would', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 120 }), async (ops) => {
        const store = new MemoryJobStore();
        const model = new Map<string, ModelJob>();
        let now = 0;
        const free = (j: ModelJob) => j.owner === null || j.until <= now;
        for (const o of ops) {
          const id = `j${String('id' in o ? o.id : 0).padStart(2, '0')}`;
          if (o.kind === 'add') {
            if (model.has(id)) continue;
            await store.addJob(makeJob(id, o.next));
            model.set(id, { next: o.next, paused: false, owner: null, until: 0, seenExpired: false });
          } else if (o.kind === 'update') {
            const m = model.get(id);
            if (!m) continue;
            const paused = o.next === null;
            await store.updateJob(makeJob(id, o.next, { paused }));
            Object.assign(m, { next: o.next, paused });
          } else if (o.kind === 'remove') {
            if (!model.delete(id)) continue;
            await store.removeJob(id);
          } else if (o.kind === 'acquire') {
            now += o.advance;
            for (const j of model.values()) if (j.owner !== null && j.until <= now) j.seenExpired = true;
            const expected = [...model.entries()]
              .filter(([, j]) => !j.paused && j.next !== null && j.next <= now && free(j))
              .sort(([ia, a], [ib, b]) => (a.next as number) - (b.next as number) || (ia < ib ? -1 : 1))
              .slice(0, o.limit)
              .map(([jid]) => jid);
            const got = await store.acquireDueJobs({
              owner: o.owner,
              now: at(now),
              limit: o.limit,
              leaseUntil: at(now + LEASE),
            });
            expect(got.map((j) => j.id)).toEqual(expected);
            for (const jid of expected)
              Object.assign(model.get(jid) as ModelJob, {
                owner: o.owner,
                until: now + LEASE,
                seenExpired: false,
              });
          } else if (o.kind === 'complete' || o.kind === 'release') {
            // Act on every job this owner holds, as a replica finishing its batch would.
            const mine = [...model.entries()].filter(([, j]) => j.owner === o.owner);
            if (o.kind === 'release') {
              await store.releaseJobs(
                o.owner,
                mine.map(([jid]) => jid),
              );
            } else {
              const jobs = await Promise.all(mine.map(([jid]) => store.getJob(jid)));
              const completions = jobs.map((j) => ({
                jobId: j!.id,
                version: j!.version,
                runs: [],
                events: [],
                nextRunTime: o.next === null ? null : at(o.next),
              }));
              const result = await store.completeRuns(o.owner, completions);
              expect(result.leaseLost).toEqual([]);
              for (const [jid, j] of mine) {
                if (o.next === null && !j.paused) model.delete(jid);
                else j.next = o.next;
              }
            }
            for (const [, j] of mine) Object.assign(j, { owner: null, seenExpired: false });
          }
          const visible = [...model.values()].filter(
            (j) => !j.paused && j.next !== null && (j.owner === null || j.seenExpired),
          );
          const expectedNext = visible.length ? Math.min(...visible.map((j) => j.next as number)) : null;
          expect((await store.getNextRunTime())?.getTime() ?? null).toBe(
            expectedNext === null ? null : at(expectedNext).getTime(),
          );
        }
        expect((await store.getJobs()).map((j) => j.id).sort()).toEqual([...model.keys()].sort());
      }),
      { numRuns: 300 },
    );
  });
});
