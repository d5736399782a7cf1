import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { RunAbortedError, RunTimeoutError } from '../../../src/scheduler/errors';
import type { ExecutionResult } from '../../../src/scheduler/executor/executor';
import { InProcessExecutor } from '../../../src/scheduler/executor/in-process-executor';
import { deferred } from './harness';

describe('InProcessExecutor', () => {
  const setup = (maxConcurrency: number, timeoutMs: number | null = null) => {
    const clock = new FakeClock(0);
    return { clock, executor: new InProcessExecutor({ clock, maxConcurrency, timeoutMs }) };
  };

  it('runs at most maxConcurrency tasks at once, the rest in submission order', async () => {
    const { clock, executor } = setup(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      executor.submit({
        run: async () => {
          started.push(i);
          await gate.promise;
        },
      }),
    );
    await clock.settle();
    expect(started).toEqual([0, 1]);
    expect([executor.running, executor.queued]).toEqual([2, 2]);
    gates[1].resolve();
    await clock.settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    const outcomes = (await Promise.all(results)).map((r) => r.outcome);
    expect(outcomes).toEqual(['success', 'success', 'success', 'success']);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('reports a throw (sync or async) as an error result, never a rejection', async () => {
    const { executor } = setup(1);
    const boom = new Error('boom');
    const sync = await executor.submit({
      run: () => {
        throw boom;
      },
    });
    const async = await executor.submit({ run: async () => Promise.reject(boom) });
    expect(sync).toMatchObject({ outcome: 'error', error: boom });
    expect(async).toMatchObject({ outcome: 'error', error: boom });
  });

  it('times a task out: aborts its signal, resolves as timeout and frees the slot at once', async () => {
    const { clock, executor } = setup(1, 5_000);
    let signal: AbortSignal | undefined;
    const stuck = executor.submit({
      run: (s) => {
        signal = s;
        return new Promise<void>(() => {}); // ignores its signal
      },
    });
    const next = executor.submit({ run: () => {} });
    await clock.advanceAsync(4_999);
    expect(executor.queued).toBe(1);
    await clock.advanceAsync(1);
    const result: ExecutionResult = await stuck;
    expect(result.outcome).toBe('timeout');
    expect(result.error).toBeInstanceOf(RunTimeoutError);
    expect(result.finishedAt.getTime() - (result.startedAt as Date).getTime()).toBe(5_000);
    expect(signal?.aborted).toBe(true);
    expect((await next).outcome).toBe('success');
  });

  it('aborts running and queued tasks on abortAll', async () => {
    const { clock, executor } = setup(1);
    let signal: AbortSignal | undefined;
    const running = executor.submit({
      run: (s) => {
        signal = s;
        return new Promise<void>(() => {});
      },
    });
    let queuedRan = false;
    const queued = executor.submit({
      run: () => {
        queuedRan = true;
      },
    });
    await clock.settle();
    executor.abortAll();
    expect((await running).outcome).toBe('aborted');
    expect(await queued).toMatchObject({ outcome: 'aborted', startedAt: null });
    expect(signal?.reason).toBeInstanceOf(RunAbortedError);
    expect(queuedRan).toBe(false);
    expect(executor.running + executor.queued).toBe(0);
  });

  it('rejects a slot count below 1 and a non-positive timeout', () => {
    const clock = new FakeClock(0);
    expect(() => new InProcessExecutor({ clock, maxConcurrency: 0, timeoutMs: null })).toThrow(
      expect.objectContaining({ field: 'maxConcurrency' }),
    );
    expect(() => new InProcessExecutor({ clock, maxConcurrency: 1, timeoutMs: 0 })).toThrow(
      expect.objectContaining({ field: 'runTimeoutMs' }),
    );
  });
});
