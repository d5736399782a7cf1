import { execute, type Sql } from './sql-session';

/** From this many rows a multi-row INSERT is sent as a prepared statement (see insertRows). */
export const PREPARED_INSERT_MIN_ROWS = 50;

/**
 * Prepared statements mysql2 keeps per pooled connection (an LRU that closes what it drops): one
 * per table and row count in use. 10 connections x 64 stays far below MariaDB's
 * max_prepared_stmt_count (16,382 by default), replicas included.
 */
export const MAX_PREPARED_STATEMENTS = 64;

interface PreparingConnection {
  execute(text: string, values: unknown[], done: (error: unknown, result?: unknown) => void): void;
}

/** The mysql2 connection under a TypeORM query runner, when `sql` is one. */
function preparingConnectionOf(sql: Sql): PreparingConnection | null {
  const connection = (sql as { databaseConnection?: unknown }).databaseConnection;
  if (typeof connection !== 'object' || connection === null) return null;
  return typeof (connection as { execute?: unknown }).execute === 'function'
    ? (connection as PreparingConnection)
    : null;
}

const placeholders = new Map<string, string>();

function valuesPlaceholders(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let text = placeholders.get(key);
  if (text === undefined) {
    const row = `(${new Array<string>(columns).fill('?').join(',')})`;
    text = new Array<string>(rows).fill(row).join(',');
    if (placeholders.size < 4 * MAX_PREPARED_STATEMENTS) placeholders.set(key, text);
  }
  return text;
}

/**
 * `${insertInto} VALUES` with `rows` (all of one length), one statement: every row, or on an
 * error (a duplicate key) none. Many rows go as a server-side prepared statement with binary
 * parameters, which the server neither lexes nor parses (perf on mariadbd during the Kafka
 * ingest: the SQL parser and lexer were its largest items; ~30 % of its CPU per row goes); few
 * rows, or a connection that cannot prepare, as text. Values are strings, numbers, booleans and
 * nulls as the text path renders them (undefined is NULL there, so here too).
 */
export async function insertRows(sql: Sql, insertInto: string, rows: unknown[][]): Promise<number> {
  if (rows.length === 0) return 0;
  const connection = rows.length >= PREPARED_INSERT_MIN_ROWS ? preparingConnectionOf(sql) : null;
  if (connection === null) return execute(sql, `${insertInto} VALUES ?`, [rows]);
  const columns = rows[0].length;
  const values: unknown[] = [];
  for (const row of rows) for (const value of row) values.push(value === undefined ? null : value);
  const text = `${insertInto} VALUES ${valuesPlaceholders(rows.length, columns)}`;
  const result = await new Promise<unknown>((resolve, reject) => {
    try {
      connection.execute(text, values, (error, outcome) => (error ? reject(error) : resolve(outcome)));
    } catch (error) {
      reject(error);
    }
  });
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}
