import type { DataSource } from 'typeorm';

import { CLAIM_SQL } from '../../../src/persistence/claim-sql';
import { toSqlTime } from '../../../src/persistence/sql-time';
import { seqSelect } from '../../../bench/store/seq-sql';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// The claim and relay queries must be index range scans with no filesort, so their cost does not
// grow with the number of pending jobs (DESIGN section 5). Checked on EXPLAIN with thousands of
// rows and fresh statistics, and on the rows the server actually reads (Handler_read_* counters).

const NOW = new Date('2030-01-01T01:00:00.000Z');
const LIMIT = 100;

let database: StoreDatabase;

/** Inserts `count` jobs generated server side. `kind` picks their state. */
async function insertJobs(
  ds: DataSource,
  from: number,
  count: number,
  kind: 'due' | 'future' | 'paused' | 'leased',
) {
  const next = {
    due: "'2030-01-01 00:00:00' + INTERVAL (n % 3600) SECOND",
    future: "'2031-01-01 00:00:00' + INTERVAL n SECOND",
    paused: 'NULL',
    leased: "'2030-01-01 00:00:00'",
  }[kind];
  const lease = kind === 'leased' ? "'replica-x', '2030-01-01 02:00:00'" : 'NULL, NULL';
  await ds.query(`
    INSERT INTO scheduler_jobs (id, name, \`trigger\`, action, paused, next_run_time, lease_owner, lease_expiry,
      created_at, updated_at)
    SELECT CONCAT('${kind}-', n), 'j', '{"type":"interval","seconds":1}', '{"handler":"noop"}',
      ${kind === 'paused' ? 1 : 0}, ${next}, ${lease}, '2030-01-01', '2030-01-01' FROM ${seqSelect(from, count)} AS seq`);
}

interface ExplainRow {
  type: string;
  key: string | null;
  Extra: string | null;
}

async function explain(sql: string, params: unknown[]): Promise<{ row: ExplainRow; json: string }> {
  const rows = (await database.admin.query(`EXPLAIN ${sql}`, params)) as ExplainRow[];
  expect(rows).toHaveLength(1);
  const [json] = (await database.admin.query(`EXPLAIN FORMAT=JSON ${sql}`, params)) as Record<
    string,
    string
  >[];
  return { row: rows[0], json: Object.values(json)[0] };
}

/** Rows the server read through handlers while running `sql` on one connection. */
async function rowsRead(sql: string, params: unknown[]): Promise<number> {
  const runner = database.admin.createQueryRunner();
  const counters = async (): Promise<number> => {
    const status = (await runner.query("SHOW SESSION STATUS LIKE 'Handler_read%'")) as {
      Variable_name: string;
      Value: string;
    }[];
    return status.reduce((sum, s) => sum + Number(s.Value), 0);
  };
  try {
    await runner.startTransaction();
    const before = await counters();
    await runner.query(sql, params);
    const after = await counters();
    await runner.rollbackTransaction();
    return after - before;
  } finally {
    await runner.release();
  }
}

const claimParams = (): unknown[] => [toSqlTime(NOW), toSqlTime(NOW), LIMIT];

beforeAll(async () => {
  database = await openStoreDatabase('claim_plan');
  await insertJobs(database.admin, 1, 3000, 'future');
  await insertJobs(database.admin, 1, 1000, 'due');
  await insertJobs(database.admin, 1, 500, 'paused');
  await insertJobs(database.admin, 1, 50, 'leased');
  await database.admin.query(`
    INSERT INTO scheduler_outbox (event_id, topic, msg_key, value, headers, created_at, sent_at)
    SELECT LPAD(n, 36, '0'), 't', NULL, '{}', '{}', '2030-01-01', IF(n <= 2800, '2030-01-01', NULL)
    FROM ${seqSelect(1, 3000)} AS seq`);
  await database.admin.query('ANALYZE TABLE scheduler_jobs, scheduler_outbox');
});

afterAll(async () => {
  await database?.close();
});

describe('claim query plan', () => {
  it("the store's claim is a range scan on idx_scheduler_jobs_due with no filesort", async () => {
    const { row, json } = await explain(CLAIM_SQL, claimParams());
    expect(row).toMatchObject({ type: 'range', key: 'idx_scheduler_jobs_due' });
    expect(row.Extra ?? '').not.toMatch(/filesort/i);
    expect(json).not.toMatch(/filesort/i);
    expect(JSON.parse(json)).toBeTruthy();
  });

  it('the optimizer picks the same plan unforced, given thousands of rows', async () => {
    // Minus the admin list's (paused, next_run_time, id): unforced, MariaDB may take a ref on
    // paused = 0 there, which has no upper bound (one more reason the claim forces its index).
    const unforced = CLAIM_SQL.replace(/ FORCE INDEX \([^)]*\)/, ' IGNORE INDEX (idx_scheduler_jobs_state)');
    expect(unforced).not.toMatch(/FORCE/);
    const { row } = await explain(unforced, claimParams());
    expect(row).toMatchObject({ type: 'range', key: 'idx_scheduler_jobs_due' });
    expect(row.Extra ?? '').not.toMatch(/filesort/i);
  });

  it('reads about LIMIT rows plus the leased ones, however many jobs are pending', async () => {
    const before = await rowsRead(CLAIM_SQL, claimParams());
    await insertJobs(database.admin, 3001, 20000, 'future');
    await insertJobs(database.admin, 501, 5000, 'paused');
    const after = await rowsRead(CLAIM_SQL, claimParams());
    // 50 leased rows at the head of the range are passed over, then LIMIT due rows are taken.
    expect(before).toBeGreaterThanOrEqual(LIMIT);
    expect(before).toBeLessThanOrEqual(LIMIT + 50 + 5);
    expect(after).toBe(before);
  });

  it('the outbox relay query reads idx_scheduler_outbox_unsent in id order, no filesort', async () => {
    const sql =
      'SELECT id FROM scheduler_outbox FORCE INDEX (idx_scheduler_outbox_unsent) ' +
      'WHERE sent_at IS NULL ORDER BY id LIMIT ?';
    const { row } = await explain(sql, [LIMIT]);
    expect(['ref', 'range']).toContain(row.type);
    expect(row.key).toBe('idx_scheduler_outbox_unsent');
    expect(row.Extra ?? '').not.toMatch(/filesort/i);
    expect(await rowsRead(sql, [LIMIT])).toBeLessThanOrEqual(LIMIT + 5);
  });

  it("a relay with a share of the shards reads the same index in id order, skipping others' rows on it", async () => {
    const sql =
      'SELECT id, value FROM scheduler_outbox FORCE INDEX (idx_scheduler_outbox_unsent) ' +
      'WHERE sent_at IS NULL AND id NOT IN (?) AND shard IN (?) ORDER BY id LIMIT ?';
    const { row } = await explain(sql, [[1, 2], [0, 3, 6, 9, 12, 15], LIMIT]);
    expect(['ref', 'range']).toContain(row.type);
    expect(row.key).toBe('idx_scheduler_outbox_unsent');
    expect(row.Extra ?? '').not.toMatch(/filesort/i);
  });
});
