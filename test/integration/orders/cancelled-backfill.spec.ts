import { CancelledOrderStatus1764800000000 } from '../../../migrations/1764800000000-CancelledOrderStatus';
import { openStoreDatabase, type StoreDatabase } from '../persistence/store-database';

// Orders cancelled before `cancelled` was a stored status are found by the migration: pending, no
// job, a successful timeout run. Others are left alone.

let database: StoreDatabase;

beforeAll(async () => {
  database = await openStoreDatabase('cancelled_backfill');
});

afterAll(async () => {
  await database?.close();
});

it('marks fired pending orders cancelled with the run start as cancelled_at; leaves the rest', async () => {
  const q = (sql: string, params: unknown[] = []) => database.admin.query(sql, params);
  const state = (id: string) =>
    q(
      "INSERT INTO order_states (order_id, status, run_at, updated_at) VALUES (?, 'pending', '2030-01-01 00:01:00.000', NOW(3))",
      [id],
    );
  const run = (id: string, outcome: string) =>
    q(
      'INSERT INTO scheduler_job_runs (job_id, scheduled_at, started_at, finished_at, outcome, owner) ' +
        "VALUES (?, '2030-01-01 00:01:00.000', '2030-01-01 00:01:00.123', '2030-01-01 00:01:00.200', ?, 'r1')",
      [`order-timeout:${id}`, outcome],
    );
  await state('fired');
  await run('fired', 'success');
  await state('failed');
  await run('failed', 'error');
  await state('waiting');
  await q(
    "INSERT INTO scheduler_jobs (id, name, `trigger`, action, misfire_grace_time, `coalesce`, max_instances, paused, next_run_time, version, created_at, updated_at) VALUES ('order-timeout:waiting', 'x', '{}', '{}', NULL, 1, 1, 0, '2030-01-01 00:01:00.000', 1, NOW(3), NOW(3))",
  );
  await run('waiting', 'success');

  const runner = database.admin.createQueryRunner();
  try {
    await new CancelledOrderStatus1764800000000().up(runner);
  } finally {
    await runner.release();
  }
  const rows = (await q('SELECT order_id, status, cancelled_at FROM order_states ORDER BY order_id')) as {
    order_id: string;
    status: string;
    cancelled_at: Date | null;
  }[];
  expect(rows.map((r) => [r.order_id, r.status, r.cancelled_at?.toISOString() ?? null])).toEqual([
    ['failed', 'pending', null],
    ['fired', 'cancelled', '2030-01-01T00:01:00.123Z'],
    ['waiting', 'pending', null],
  ]);
});
