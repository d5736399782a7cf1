import { utcDateTimeText } from '../scheduler/validation/utc-text';

/** UTC, millisecond DATETIME(3) text: what every time parameter is bound as (never the server's NOW()). */
export function toSqlTime(date: Date): string {
  return utcDateTimeText(date);
}

export function toSqlTimeOrNull(date: Date | null | undefined): string | null {
  return date ? toSqlTime(date) : null;
}

/** mysql2 with timezone 'Z' returns Dates; a string (dateStrings mode) is read as UTC too. */
export function fromSqlTime(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

export function fromSqlTimeRequired(value: Date | string): Date {
  return fromSqlTime(value) ?? new Date(NaN);
}
