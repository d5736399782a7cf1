import { ValidationError, type JsonValue } from '../../../src/scheduler';
import { MAX_JSON_DEPTH } from '../../../src/scheduler/validation';
import { createHarness } from './harness';

// The engine bounds every action itself, so library, REST and Kafka callers get one refusal
// before anything is stored.
describe('action bounds in the engine', () => {
  const setup = () => {
    const h = createHarness({ maxActionBytes: 2048 });
    h.scheduler.registerHandler('noop', () => {});
    return h;
  };
  const trigger = { type: 'interval' as const, seconds: 60 };
  const nested = (depth: number): JsonValue => {
    let value: JsonValue = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it.each([
    ['args nested one level too deep', { handler: 'noop', args: nested(MAX_JSON_DEPTH + 1) }, 'action.args'],
    ['args nested 1,500 levels (no stack overflow)', { handler: 'noop', args: nested(1500) }, 'action.args'],
    ['args over maxActionBytes', { handler: 'noop', args: { pad: 'x'.repeat(2048) } }, 'action'],
    ['multi-byte args over maxActionBytes', { handler: 'noop', args: { pad: 'é'.repeat(1100) } }, 'action'],
  ])(
    'addJob, addJobs and modifyJob refuse %s, naming %s, and store nothing',
    async (_label, action, field) => {
      const { scheduler, store } = setup();
      await expect(scheduler.addJob({ id: 'a', trigger, action })).rejects.toMatchObject({
        constructor: ValidationError,
        field,
      });
      await expect(
        scheduler.addJobs([
          { id: 'ok', trigger, action: { handler: 'noop' } },
          { id: 'b', trigger, action },
        ]),
      ).rejects.toMatchObject({ field: `[1].${field}` });
      expect(await store.getJob('a')).toBeNull();
      expect(await store.getJob('ok')).toBeNull();
      await scheduler.addJob({ id: 'kept', trigger, action: { handler: 'noop', args: { v: 1 } } });
      await expect(scheduler.modifyJob('kept', { action })).rejects.toMatchObject({ field });
      expect((await store.getJob('kept'))?.action).toEqual({ handler: 'noop', args: { v: 1 } });
    },
  );

  it('accepts args exactly at the depth limit and just under the size limit', async () => {
    const { scheduler } = setup();
    await expect(
      scheduler.addJob({ trigger, action: { handler: 'noop', args: nested(MAX_JSON_DEPTH) } }),
    ).resolves.toBeDefined();
    const pad = 'x'.repeat(2048 - JSON.stringify({ handler: 'noop', args: { pad: '' } }).length);
    await expect(
      scheduler.addJob({ trigger, action: { handler: 'noop', args: { pad } } }),
    ).resolves.toBeDefined();
  });
});
