import { triggerSpecFromApscheduler } from '../../../src/scheduler/triggers/apscheduler-params';
import { triggerFromJSON } from '../../../src/scheduler/triggers';
import { loadOracle } from './oracle';

const cases = loadOracle().filter((c) => c.trigger === 'date' || c.trigger === 'interval');
test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const t = triggerFromJSON(triggerSpecFromApscheduler(c));
  const fires: string[] = [];
  let prev: Date | null = null;
  let now = new Date(c.now as string);
  for (let i = 0; i < 8; i++) {
    const f = t.getNextFireTime(prev, now);
    if (!f) break;
    fires.push(f.toISOString());
    prev = f;
    now = f;
  }
  expect(fires).toEqual(c.fires);
});
