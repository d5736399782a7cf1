/**
 * A server-side row generator for bulk test data that runs on MariaDB and MySQL alike: a cross
 * join of digit tables (recursive CTEs are capped at 1,000 iterations by default on both).
 * `seqSelect(from, count)` is a derived table with one column `n` = from … from + count - 1.
 */
export function seqSelect(from: number, count: number): string {
  const digits =
    '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 ' +
    'UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const places = Math.max(1, Math.ceil(Math.log10(Math.max(count, 2))));
  const tables = Array.from({ length: places }, (_, i) => `${digits} AS d${i}`).join(' CROSS JOIN ');
  const value = Array.from({ length: places }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  return `(SELECT ${Math.floor(from)} + ${value} AS n FROM ${tables} WHERE ${value} < ${Math.floor(count)})`;
}
