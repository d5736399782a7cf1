import { StoreUnavailableError } from '../scheduler/errors';

/** mysql2 error fields, found on the driver error or copied onto TypeORM's QueryFailedError. */
interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
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
