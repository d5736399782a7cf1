import { QueryFailedError } from 'typeorm';

import {
  classifySqlError,
  isConnectionError,
  isRetryableLockError,
  REJECTED_DATA_ERRNOS,
  rejectedDataReason,
  TRANSIENT_ERRNOS,
  translateStoreError,
} from '../../../src/persistence/sql-errors';
import { fromSqlTime, toSqlTime } from '../../../src/persistence/sql-time';
import { StoreUnavailableError } from '../../../src/scheduler/errors';

function driverError(fields: { code?: string; errno?: number; fatal?: boolean }, message = 'boom'): Error {
  return Object.assign(new Error(message), fields);
}

describe('store error classification', () => {
  it('retries deadlocks and lock wait timeouts, also wrapped by TypeORM', () => {
    expect(isRetryableLockError(driverError({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }))).toBe(true);
    expect(isRetryableLockError(new QueryFailedError('UPDATE x', [], driverError({ errno: 1205 })))).toBe(
      true,
    );
    expect(isRetryableLockError(driverError({ errno: 1062 }))).toBe(false);
  });

  it('maps connection loss, refused connections and a closed pool to StoreUnavailableError', () => {
    for (const error of [
      driverError({ code: 'ECONNREFUSED' }),
      driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
      driverError({ errno: 2013 }),
      new Error('Pool is closed.'),
    ]) {
      expect(isConnectionError(error)).toBe(true);
      expect(translateStoreError(error, 'acquire')).toBeInstanceOf(StoreUnavailableError);
    }
  });

  it('leaves statement errors (bugs, constraint violations) as they are', () => {
    const duplicate = driverError({ code: 'ER_DUP_ENTRY', errno: 1062 });
    expect(translateStoreError(duplicate, 'addJob')).toBe(duplicate);
  });
});

describe('classifySqlError: what retrying can achieve, by errno', () => {
  // The cases the inbound consumer must tell apart, by the errno the server sends.
  const table: Array<[number, string, 'transient' | 'rejected']> = [
    [1048, 'column cannot be null', 'rejected'],
    [1062, 'duplicate entry', 'rejected'],
    [1153, 'packet larger than max_allowed_packet', 'rejected'],
    [1264, 'out of range value for column', 'rejected'],
    [1292, 'incorrect datetime value', 'rejected'],
    [1366, 'incorrect string value (bad charset)', 'rejected'],
    [1406, 'data too long for column', 'rejected'],
    [1452, 'foreign key: no referenced row', 'rejected'],
    [1690, 'value out of range', 'rejected'],
    [3140, 'invalid JSON text (MySQL)', 'rejected'],
    [3157, 'JSON document too deep (MySQL)', 'rejected'],
    [3819, 'check constraint violated (MySQL)', 'rejected'],
    [4025, 'CONSTRAINT failed, incl. JSON_VALID (MariaDB)', 'rejected'],
    [1205, 'lock wait timeout', 'transient'],
    [1213, 'deadlock', 'transient'],
    [1040, 'too many connections', 'transient'],
    [1053, 'server shutdown in progress', 'transient'],
    [1290, 'read-only (failover)', 'transient'],
    [1927, 'connection killed', 'transient'],
    [1969, 'statement timeout (MariaDB)', 'transient'],
    [2006, 'server has gone away', 'transient'],
    [2013, 'lost connection during query', 'transient'],
  ];

  it.each(table)('errno %i (%s) is %s, raw or wrapped by TypeORM', (errno, _what, kind) => {
    expect(classifySqlError(driverError({ errno }))).toBe(kind);
    expect(classifySqlError(new QueryFailedError('INSERT …', [], driverError({ errno })))).toBe(kind);
  });

  it('knows every errno of the two tables, and no errno is in both', () => {
    for (const errno of REJECTED_DATA_ERRNOS.keys()) {
      expect(TRANSIENT_ERRNOS.has(errno)).toBe(false);
      expect(classifySqlError(driverError({ errno }))).toBe('rejected');
    }
    for (const errno of TRANSIENT_ERRNOS.keys())
      expect(classifySqlError(driverError({ errno }))).toBe('transient');
  });

  it('calls a packet too large rejected even though the driver marks it fatal', () => {
    expect(classifySqlError(driverError({ errno: 1153, fatal: true }))).toBe('rejected');
  });

  it('calls errors without an errno transient when they mean the connection, else not a database error', () => {
    expect(classifySqlError(driverError({ code: 'ECONNRESET' }))).toBe('transient');
    expect(classifySqlError(new Error('Pool is closed.'))).toBe('transient');
    expect(classifySqlError(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifySqlError('boom')).toBeUndefined();
  });

  it("calls other server errors (missing table, privileges) 'other': a deployment fault, not the message's", () => {
    expect(classifySqlError(driverError({ errno: 1146, code: 'ER_NO_SUCH_TABLE' }))).toBe('other');
    expect(classifySqlError(driverError({ errno: 1142 }))).toBe('other');
  });

  it('describes a rejection for a dead letter by name, errno and message; nothing else gets a reason', () => {
    const error = driverError({ errno: 1406, code: 'ER_DATA_TOO_LONG' }, "Data too long for column 'id'");
    expect(rejectedDataReason(error)).toBe("ER_DATA_TOO_LONG (1406): Data too long for column 'id'");
    expect(rejectedDataReason(driverError({ errno: 1213 }))).toBeUndefined();
    expect(rejectedDataReason(new Error('bug'))).toBeUndefined();
  });
});

describe('SQL times', () => {
  it('are UTC with milliseconds, both ways', () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    expect(toSqlTime(at)).toBe('2030-01-02 03:04:05.678');
    expect(fromSqlTime('2030-01-02 03:04:05.678')).toEqual(at);
    expect(fromSqlTime(at)).toBe(at);
    expect(fromSqlTime(null)).toBeNull();
  });
});
