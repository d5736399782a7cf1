import { StoreUnavailableError } from '../scheduler/errors';

/** mysql2 error fields, found on the driver error or copied onto TypeORM's QueryFailedError. */
interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  sqlState?: unknown;
  driverError?: unknown;
}

export const ER_DUP_ENTRY = 1062;
const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;

/** Server errnos that mean the connection or server is gone, not that the statement was wrong. */
const CONNECTION_ERRNOS = new Set([
  1040, // too many connections
  1053, // server shutdown in progress
  1077, // normal shutdown
  1152, // aborted connection
  1927, // connection killed
  2002, // can't connect through socket
  2003, // can't connect to server
  2006, // server has gone away
  2013, // lost connection during query
  4031, // disconnected by server for inactivity
]);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

// Raised without a code by mysql2 (pool ended) and TypeORM (data source destroyed or not connected).
const CONNECTION_MESSAGES =
  /Pool is closed|Driver not Connected|Connection lost|Can't add new command when connection is in closed state|ConnectionIsNotSet|is not yet established/i;

function fields(error: unknown): DriverErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const outer = error as DriverErrorFields;
  const inner = (typeof outer.driverError === 'object' && outer.driverError) || {};
  return { ...(inner as DriverErrorFields), ...outer };
}

export function errnoOf(error: unknown): number | undefined {
  const { errno } = fields(error);
  return typeof errno === 'number' ? errno : undefined;
}

/** Deadlock or lock wait timeout: the transaction was (or must be) rolled back and may simply be retried. */
export function isRetryableLockError(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === ER_LOCK_DEADLOCK || errno === ER_LOCK_WAIT_TIMEOUT;
}

/**
 * Errors that reject the statement's data: the same values fail the same way however often they
 * are retried, so an inbound message causing one is dead-lettered. Checked before the transient
 * set (a packet too large also closes the connection, yet retrying the same bytes cannot help).
 */
export const REJECTED_DATA_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1048, 'ER_BAD_NULL_ERROR'],
  [1062, 'ER_DUP_ENTRY'],
  [1153, 'ER_NET_PACKET_TOO_LARGE'],
  [1216, 'ER_NO_REFERENCED_ROW'],
  [1217, 'ER_ROW_IS_REFERENCED'],
  [1263, 'ER_WARN_NULL_TO_NOTNULL'],
  [1264, 'ER_WARN_DATA_OUT_OF_RANGE'],
  [1265, 'WARN_DATA_TRUNCATED'],
  [1267, 'ER_CANT_AGGREGATE_2COLLATIONS'],
  [1270, 'ER_CANT_AGGREGATE_3COLLATIONS'],
  [1271, 'ER_CANT_AGGREGATE_NCOLLATIONS'],
  [1292, 'ER_TRUNCATED_WRONG_VALUE'],
  [1300, 'ER_INVALID_CHARACTER_STRING'],
  [1301, 'ER_WARN_ALLOWED_PACKET_OVERFLOWED'],
  [1364, 'ER_NO_DEFAULT_FOR_FIELD'],
  [1365, 'ER_DIVISION_BY_ZERO'],
  [1366, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD'],
  [1367, 'ER_ILLEGAL_VALUE_FOR_TYPE'],
  [1406, 'ER_DATA_TOO_LONG'],
  [1411, 'ER_WRONG_VALUE_FOR_TYPE'],
  [1451, 'ER_ROW_IS_REFERENCED_2'],
  [1452, 'ER_NO_REFERENCED_ROW_2'],
  [1586, 'ER_DUP_ENTRY_WITH_KEY_NAME'],
  [1690, 'ER_DATA_OUT_OF_RANGE'],
  [3140, 'ER_INVALID_JSON_TEXT'], // MySQL 8
  [3141, 'ER_INVALID_JSON_TEXT_IN_PARAM'], // MySQL 8
  [3146, 'ER_INVALID_TYPE_FOR_JSON'], // MySQL 8
  [3157, 'ER_JSON_DOCUMENT_TOO_DEEP'], // MySQL 8
  [3819, 'ER_CHECK_CONSTRAINT_VIOLATED'], // MySQL 8
  [4025, 'ER_CONSTRAINT_FAILED'], // MariaDB: CHECK constraints, including a JSON column's JSON_VALID
]);

/**
 * Errors that go away by themselves: lost or refused connections, a server restarting or in
 * read-only failover, lock conflicts and statement timeouts. Retried.
 */
export const TRANSIENT_ERRNOS: ReadonlyMap<number, string> = new Map([
  [1020, 'ER_CHECKREAD'], // MariaDB: record changed since last read
  [1205, 'ER_LOCK_WAIT_TIMEOUT'],
  [1213, 'ER_LOCK_DEADLOCK'],
  [1290, 'ER_OPTION_PREVENTS_STATEMENT'], // --read-only during a failover
  [1317, 'ER_QUERY_INTERRUPTED'],
  [1614, 'ER_XA_RBDEADLOCK'],
  [1637, 'ER_TOO_MANY_CONCURRENT_TRXS'],
  [1792, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION'],
  [1836, 'ER_READ_ONLY_MODE'],
  [1969, 'ER_STATEMENT_TIMEOUT'], // MariaDB max_statement_time
  [3024, 'ER_QUERY_TIMEOUT'], // MySQL max_execution_time
  ...[...CONNECTION_ERRNOS].map((errno) => [errno, 'connection'] as [number, string]),
]);

/**
 * What retrying a failed statement can achieve, decided here for every caller:
 * - 'transient': connection, failover, lock or timeout trouble; retry.
 * - 'rejected': the data itself is refused (constraint, invalid JSON, too long, bad charset, out of
 *   range, packet too large); retrying the same values fails the same way.
 * - 'other': any other server error (missing table, privileges, syntax: a deployment or a bug, not
 *   the message's fault); retried so that nothing valid is dropped while it is fixed.
 * undefined when `error` is not a database error at all.
 */
export type SqlErrorKind = 'transient' | 'rejected' | 'other';

export function classifySqlError(error: unknown): SqlErrorKind | undefined {
  const errno = errnoOf(error);
  if (errno !== undefined && REJECTED_DATA_ERRNOS.has(errno)) return 'rejected';
  if (errno !== undefined && TRANSIENT_ERRNOS.has(errno)) return 'transient';
  if (isConnectionError(error)) return 'transient';
  if (errno !== undefined || typeof fields(error).sqlState === 'string') return 'other';
  return undefined;
}

/**
 * When the database refused the statement's values (classifySqlError says 'rejected'): a short
 * description for a dead letter, e.g. "ER_DATA_TOO_LONG (1406): Data too long for column 'id'".
 */
export function rejectedDataReason(error: unknown): string | undefined {
  if (classifySqlError(error) !== 'rejected') return undefined;
  const errno = errnoOf(error)!;
  const message = error instanceof Error ? error.message : String(error);
  return `${REJECTED_DATA_ERRNOS.get(errno)} (${errno}): ${message}`;
}

export function isConnectionError(error: unknown): boolean {
  const f = fields(error);
  if (f.fatal === true) return true;
  if (typeof f.errno === 'number' && CONNECTION_ERRNOS.has(f.errno)) return true;
  if (typeof f.code === 'string' && CONNECTION_CODES.has(f.code)) return true;
  // Error#message is not enumerable, so it is read from the error itself, not from `fields`.
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return CONNECTION_MESSAGES.test(text);
}

/** Connection trouble becomes StoreUnavailableError (the scheduler backs off); anything else is a bug to surface. */
export function translateStoreError(error: unknown, operation: string): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionError(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`${operation}: database unavailable (${reason})`, error);
  }
  return error;
}
