import { QueryFailedError } from 'typeorm';

import {
  isConnectionError,
  isRetryableLockError,
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

describe('SQL times', () => {
  it('are UTC with milliseconds, both ways', () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    expect(toSqlTime(at)).toBe('2030-01-02 03:04:05.678');
    expect(fromSqlTime('2030-01-02 03:04:05.678')).toEqual(at);
    expect(fromSqlTime(at)).toBe(at);
    expect(fromSqlTime(null)).toBeNull();
  });
});
