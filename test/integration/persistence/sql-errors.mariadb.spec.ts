import 'reflect-metadata';

import * as mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../../src/persistence/data-source';
import { classifySqlError, errnoOf } from '../../../src/persistence/sql-errors';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// The errno table of src/persistence/sql-errors.ts against the errors the real server sends:
// each failure is provoked on MariaDB, through TypeORM as the stores see them (QueryFailedError),
// or through a bare mysql2 connection where a second session or a killed connection is needed.
// Budget: a lock wait timeout of 1 s and a handful of statements.
jest.setTimeout(60_000);

let db: TestDatabase;
let ds: DataSource;
const connections: mysql.Connection[] = [];

async function connect(): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({ uri: db.url, charset: 'utf8mb4_unicode_ci' });
  connections.push(conn);
  return conn;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the statement was expected to fail');
}

beforeAll(async () => {
  db = await createTestDatabase('sql_errors');
  ds = new DataSource(dataSourceOptions(db.url, { poolSize: 2 }));
  await ds.initialize();
  await ds.query(`CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB`);
  await ds.query(`
    CREATE TABLE probe (
      id VARCHAR(8) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
      doc JSON NULL,
      small TINYINT NULL,
      latin VARCHAR(16) CHARACTER SET latin1 NULL,
      at DATETIME(3) NULL,
      parent_id INT NULL,
      CONSTRAINT probe_not_poison CHECK (id <> 'poison'),
      CONSTRAINT probe_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  await ds.query(`INSERT INTO parent (id) VALUES (1), (2)`);
  await ds.query(`INSERT INTO probe (id) VALUES ('taken')`);
});

afterAll(async () => {
  for (const conn of connections) await conn.end().catch(() => undefined);
  await ds?.destroy();
  await db?.drop();
});

describe('data the server refuses: rejected (dead-lettered, never retried)', () => {
  const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
  it.each([
    ['data too long', 1406, 'INSERT INTO probe (id) VALUES (?)', ['much-too-long-id']],
    ['JSON nested 40 deep (JSON_VALID)', 4025, 'INSERT INTO probe (id, doc) VALUES (?, ?)', ['d', deep]],
    ['invalid JSON', 4025, 'INSERT INTO probe (id, doc) VALUES (?, ?)', ['j', '{not json']],
    ['a CHECK constraint', 4025, 'INSERT INTO probe (id) VALUES (?)', ['poison']],
    ['out of range', 1264, 'INSERT INTO probe (id, small) VALUES (?, ?)', ['r', 1000]],
    ['incorrect string value (charset)', 1366, 'INSERT INTO probe (id, latin) VALUES (?, ?)', ['s', '😀']],
    ['an impossible date', 1292, 'INSERT INTO probe (id, at) VALUES (?, ?)', ['t', '2030-02-30 00:00:00']],
    ['NULL into NOT NULL', 1048, 'INSERT INTO probe (id) VALUES (?)', [null]],
    ['a duplicate key', 1062, 'INSERT INTO probe (id) VALUES (?)', ['taken']],
    ['a missing foreign row', 1452, 'INSERT INTO probe (id, parent_id) VALUES (?, ?)', ['f', 99]],
  ])('%s (errno %i)', async (_what, errno, sql, params) => {
    const error = await failure(() => ds.query(sql, params));
    expect(errnoOf(error)).toBe(errno);
    expect(classifySqlError(error)).toBe('rejected');
  });
});

describe('trouble that passes: transient (retried)', () => {
  it('lock wait timeout (1205)', async () => {
    const [holder, waiter] = [await connect(), await connect()];
    await holder.query('START TRANSACTION');
    await holder.query("SELECT * FROM probe WHERE id = 'taken' FOR UPDATE");
    await waiter.query('SET SESSION innodb_lock_wait_timeout = 1');
    await waiter.query('START TRANSACTION');
    const error = await failure(() => waiter.query("UPDATE probe SET small = 1 WHERE id = 'taken'"));
    await Promise.all([holder.query('ROLLBACK'), waiter.query('ROLLBACK')]);
    expect(errnoOf(error)).toBe(1205);
    expect(classifySqlError(error)).toBe('transient');
  });

  it('deadlock (1213)', async () => {
    const [a, b] = [await connect(), await connect()];
    for (const c of [a, b]) await c.query('START TRANSACTION');
    await a.query('SELECT * FROM parent WHERE id = 1 FOR UPDATE');
    await b.query('SELECT * FROM parent WHERE id = 2 FOR UPDATE');
    const first = a.query('SELECT * FROM parent WHERE id = 2 FOR UPDATE').then(
      () => undefined,
      (e: unknown) => e,
    );
    // Give a's request time to queue behind b's lock before b closes the cycle.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await b.query('SELECT * FROM parent WHERE id = 1 FOR UPDATE').then(
      () => undefined,
      (e: unknown) => e,
    );
    const error = (await first) ?? second;
    await Promise.all([a.query('ROLLBACK'), b.query('ROLLBACK')]);
    expect(errnoOf(error)).toBe(1213);
    expect(classifySqlError(error)).toBe('transient');
  });

  it('a connection killed by the server', async () => {
    const [victim, killer] = [await connect(), await connect()];
    const [[{ id }]] = (await victim.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    await killer.query(`KILL CONNECTION ${id}`);
    const error = await failure(() => victim.query('SELECT 1'));
    expect(classifySqlError(error)).toBe('transient');
  });

  it('a statement timeout (MariaDB max_statement_time, 1969)', async () => {
    const conn = await connect();
    await conn.query('SET SESSION max_statement_time = 0.1');
    const error = await failure(() => conn.query('SELECT SLEEP(2) FROM probe'));
    expect(errnoOf(error)).toBe(1969);
    expect(classifySqlError(error)).toBe('transient');
  });
});

it('a missing table is neither (other: a deployment fault, retried, not blamed on the message)', async () => {
  const error = await failure(() => ds.query('SELECT * FROM no_such_table'));
  expect(errnoOf(error)).toBe(1146);
  expect(classifySqlError(error)).toBe('other');
});
