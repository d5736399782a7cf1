import { FakeClock } from '../../../src/scheduler/clocks/fake-clock';
import { SystemClock } from '../../../src/scheduler/clocks/system-clock';

describe('FakeClock', () => {
  it('fires due timers in time order, then creation order, with now at each timer', () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const fired: string[] = [];
    const base = clock.now().getTime();
    const note = (label: string) => () => fired.push(`${label}@${clock.now().getTime() - base}`);
    clock.setTimer(new Date(base + 300), note('c'));
    clock.setTimer(new Date(base + 100), note('a'));
    clock.setTimer(new Date(base + 100), note('b'));
    const cancel = clock.setTimer(new Date(base + 200), note('cancelled'));
    cancel();
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'b@100']);
    expect(clock.now().getTime() - base).toBe(250);
    clock.set(new Date(base + 1000));
    expect(fired).toEqual(['a@100', 'b@100', 'c@300']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers armed by a timer within the same advance', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimer(new Date(10), () => {
      fired.push(clock.now().getTime());
      clock.setTimer(new Date(20), () => fired.push(clock.now().getTime()));
    });
    clock.advance(30);
    expect(fired).toEqual([10, 20]);
  });

  it('never moves backwards', () => {
    const clock = new FakeClock(1000);
    clock.set(500);
    expect(clock.now().getTime()).toBe(1000);
  });

  it('lets promise continuations run between timers when advancing asynchronously', async () => {
    const clock = new FakeClock(0);
    const log: string[] = [];
    // A loop that awaits between timers, as the scheduler does.
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimer(new Date(clock.now().getTime() + 100), resolve));
        await Promise.resolve();
        log.push(`tick ${clock.now().getTime()}`);
      }
    };
    const done = loop();
    await clock.advanceAsync(1000);
    await done;
    expect(log).toEqual(['tick 100', 'tick 200', 'tick 300']);
    expect(clock.now().getTime()).toBe(1000);
  });
});

describe('SystemClock', () => {
  it('fires a timer set in the past on the next turn, and a cancelled one never', async () => {
    const clock = new SystemClock();
    let cancelledFired = false;
    clock.setTimer(new Date(Date.now() - 1000), () => {
      cancelledFired = true;
    })();
    const firedAt = await new Promise<number>((resolve) =>
      clock.setTimer(new Date(Date.now() - 1000), () => resolve(Date.now())),
    );
    expect(firedAt).toBeGreaterThan(0);
    expect(cancelledFired).toBe(false);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
