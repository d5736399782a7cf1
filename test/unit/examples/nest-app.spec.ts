import { buildExamples, startExample, type ExampleProcess } from '../../support/example-app';

// examples/nest-app built with tsc (the library imported by its package name) and run as its own
// process with the memory store: decorated jobs fire, a job added at run time names an
// @ActionHandler, and SIGTERM stops the scheduler gracefully.

// Building takes ~10 s of tsc on an idle machine, several times that on a loaded one; the run
// itself waits for three 1-second ticks of real time.
jest.setTimeout(120_000);

let app: ExampleProcess | undefined;

beforeAll(() => buildExamples());
afterEach(async () => {
  await app?.stop();
});

it('runs the decorated jobs against the memory store and stops on SIGTERM', async () => {
  app = startExample({ REPLICA_ID: 'solo' });
  await app.waitFor((l) => l.event === 'ready');
  expect(app.lines[0]).toEqual({
    event: 'ready',
    jobs: expect.arrayContaining(['example.tick', 'example.nightly', 'greet-solo']),
  });
  await app.waitFor((l) => l.event === 'greet');
  await app.waitFor((l) => l.event === 'tick', 3);
  const ticks = app.lines.filter((l) => l.event === 'tick').map((l) => Date.parse(String(l.scheduledAt)));
  // One run per second of the interval's grid, none twice.
  expect(new Set(ticks).size).toBe(ticks.length);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(1000);
  expect(app.lines.find((l) => l.event === 'greet')).toMatchObject({ args: { name: 'world' } });
  // Closed by Nest's shutdown hook (the scheduler's shutdown event printed), then SIGTERM re-raised.
  expect(await app.stop()).toBe('SIGTERM');
  expect(app.lines[app.lines.length - 1]).toEqual({ event: 'stopped' });
});
