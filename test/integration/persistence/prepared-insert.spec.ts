import type { QueryRunner } from 'typeorm';

import {
  insertRows,
  MAX_PREPARED_STATEMENTS,
  PREPARED_INSERT_MIN_ROWS,
} from '../../../src/persistence/prepared-insert';
import { ER_DUP_ENTRY, errnoOf } from '../../../src/persistence/sql-errors';
import { openStoreDatabase, type StoreDatabase } from './store-database';

// insertRows on MariaDB: a prepared multi-row INSERT stores exactly what the text INSERT stores,
// is all-or-nothing on a duplicate key, and keeps each connection's statements bounded.

jest.setTimeout(60_000);

let database: StoreDatabase;
let runner: QueryRunner;

const INTO = 'INSERT INTO insert_probe_rows (id, name, doc, n, at, maybe)';

beforeAll(async () => {
  database = await openStoreDatabase('prepared_insert');
  await database.admin.query(
    `CREATE TABLE insert_probe_rows (
       id VARCHAR(64) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
       name VARCHAR(255) NOT NULL,
       doc JSON NOT NULL,
       n DOUBLE NULL,
       at DATETIME(3) NOT NULL,
       maybe VARCHAR(16) NULL
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  );
  runner = database.admin.createQueryRunner('master');
  await runner.connect();
});

afterAll(async () => {
  await runner?.release();
  await database?.close();
});

beforeEach(async () => {
  await database.admin.query('TRUNCATE TABLE insert_probe_rows');
});

/** Awkward values for every column type the stores bind. */
function row(prefix: string, i: number): unknown[] {
  const names = [`plain ${i}`, `it's "quoted" \\ back\\slash`, 'tab\tnew\nline\0nul', 'ünïcödé 😀 ∑', ''];
  return [
    `${prefix}-${i}`,
    names[i % names.length],
    JSON.stringify({ i, s: names[i % names.length], nested: [{ q: 1 }] }),
    i % 3 === 0 ? null : i / 4,
    `2030-01-02 03:04:05.${String(i % 1000).padStart(3, '0')}`,
    i % 2 === 0 ? undefined : 'set',
  ];
}

async function stored(prefix: string): Promise<unknown[]> {
  return database.admin.query(
    "SELECT SUBSTRING(id, LOCATE('-', id) + 1) AS k, name, doc, n, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f') AS at, maybe " +
      'FROM insert_probe_rows WHERE id LIKE ? ORDER BY k',
    [`${prefix}-%`],
  );
}

async function preparedExecutions(): Promise<number> {
  const [row] = (await runner.query("SHOW SESSION STATUS LIKE 'Com_stmt_execute'")) as { Value: string }[];
  return Number(row.Value);
}

it('many rows go prepared and store exactly what the text INSERT stores', async () => {
  const count = PREPARED_INSERT_MIN_ROWS + 7;
  const before = await preparedExecutions();
  const prepared = Array.from({ length: count }, (_, i) => row('p', i));
  expect(await insertRows(runner, INTO, prepared)).toBe(count);
  expect((await preparedExecutions()) - before).toBe(1);
  // The same values through the text path (fewer rows than the threshold, several statements).
  for (let i = 0; i < count; i += PREPARED_INSERT_MIN_ROWS - 1) {
    const chunk = Array.from({ length: Math.min(PREPARED_INSERT_MIN_ROWS - 1, count - i) }, (_, k) =>
      row('t', i + k),
    );
    await insertRows(runner, INTO, chunk);
  }
  expect((await preparedExecutions()) - before).toBe(1);
  const viaText = await stored('t');
  expect(viaText).toHaveLength(count);
  expect(await stored('p')).toEqual(viaText);
});

it('a duplicate key anywhere fails the whole prepared INSERT: no row of it is stored', async () => {
  await insertRows(runner, INTO, [row('d', 40)]);
  const rows = Array.from({ length: PREPARED_INSERT_MIN_ROWS * 2 }, (_, i) => row('d', i));
  let error: unknown;
  try {
    await insertRows(runner, INTO, rows);
  } catch (caught) {
    error = caught;
  }
  expect(errnoOf(error)).toBe(ER_DUP_ENTRY);
  const [{ n }] = (await database.admin.query(
    "SELECT COUNT(*) AS n FROM insert_probe_rows WHERE id LIKE 'd-%'",
  )) as {
    n: string;
  }[];
  expect(Number(n)).toBe(1);
});

it('a connection keeps at most MAX_PREPARED_STATEMENTS statements, however many row counts it sees', async () => {
  const counts = 2 * MAX_PREPARED_STATEMENTS + 10;
  for (let k = 0; k < counts; k++) {
    await insertRows(
      runner,
      INTO,
      Array.from({ length: PREPARED_INSERT_MIN_ROWS + k }, (_, i) => row(`c${k}`, i)),
    );
  }
  const [{ n }] = (await database.admin.query('SELECT COUNT(*) AS n FROM insert_probe_rows')) as {
    n: string;
  }[];
  expect(Number(n)).toBe(counts * PREPARED_INSERT_MIN_ROWS + (counts * (counts - 1)) / 2);
  const [held] = (await runner.query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")) as { Value: string }[];
  // Global (other pools may hold a few of their own meanwhile); without the bound it would be >= counts.
  expect(Number(held.Value)).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS + 64);
  expect(Number(held.Value)).toBeGreaterThan(0);
});
