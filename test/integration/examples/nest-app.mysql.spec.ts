import * as mysql from 'mysql2/promise';

import { buildExamples, startExample, type ExampleProcess } from '../../support/example-app';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// examples/nest-app built with tsc and run as two replica processes on one fresh MariaDB database
// (the module runs the migrations under its lock): each due tick runs once across both, and a
// restart keeps the decorated job's row (its interval anchor) instead of re-creating it.

// tsc (~10 s idle, more under load), two process starts, a few seconds of real 1 s ticks.
jest.setTimeout(180_000);

let db: TestDatabase;
let sql: mysql.Connection;
const running: ExampleProcess[] = [];

beforeAll(async () => {
  buildExamples();
  db = await createTestDatabase('example_app');
  sql = await mysql.createConnection(db.url);
});

afterAll(async () => {
  for (const p of running.splice(0)) await p.stop();
  await sql?.end();
  await db?.drop();
});

const start = (replica: string): ExampleProcess => {
  const p = startExample({ REPLICA_ID: replica, DATABASE_URL: db.url });
  running.push(p);
  return p;
};

async function tickRuns(): Promise<Array<{ scheduled_at: Date; owner: string }>> {
  const [rows] = await sql.query(
    "SELECT scheduled_at, owner FROM scheduler_job_runs WHERE job_id = 'example.tick' ORDER BY scheduled_at",
  );
  return rows as Array<{ scheduled_at: Date; owner: string }>;
}

it('two replicas share the decorated jobs: every due tick once; a restart keeps the row', async () => {
  const a = start('a');
  const b = start('b');
  await Promise.all([a.waitFor((l) => l.event === 'ready'), b.waitFor((l) => l.event === 'ready')]);
  const [[before]] = (await sql.query(
    "SELECT `trigger`, version FROM scheduler_jobs WHERE id = 'example.tick'",
  )) as unknown as [Array<{ trigger: unknown; version: number }>];
  await Promise.all([a.waitFor((l) => l.event === 'tick', 1), b.waitFor((l) => l.event === 'tick', 0)]);
  const seen = async () => (await tickRuns()).length;
  const deadline = Date.now() + 30_000;
  while ((await seen()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await a.stop();
  running.splice(running.indexOf(a), 1);

  const runs = await tickRuns();
  expect(runs.length).toBeGreaterThanOrEqual(4);
  const times = runs.map((r) => new Date(r.scheduled_at).getTime());
  expect(new Set(times).size).toBe(times.length);
  const printed = [...a.lines, ...b.lines]
    .filter((l) => l.event === 'tick')
    .map((l) => String(l.scheduledAt));
  expect(new Set(printed).size).toBe(printed.length);

  // Restart a: the job is the same row (trigger and anchor unchanged), not re-created.
  const again = start('a2');
  await again.waitFor((l) => l.event === 'ready');
  const [[after]] = (await sql.query(
    "SELECT `trigger`, version FROM scheduler_jobs WHERE id = 'example.tick'",
  )) as unknown as [Array<{ trigger: unknown; version: number }>];
  expect(after.trigger).toEqual(before.trigger);
  const [[source]] = (await sql.query(
    "SELECT version, jobs FROM scheduler_job_sources WHERE source = 'code'",
  )) as unknown as [Array<{ version: string; jobs: string }>];
  expect(Number(source.version)).toBe(1);
  expect(Object.keys(JSON.parse(source.jobs)).sort()).toEqual(['example.nightly', 'example.tick']);
});
