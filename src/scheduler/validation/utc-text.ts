/**
 * The canonical UTC text of an instant, `YYYY-MM-DDTHH:mm:ss.sssZ` (what `Date#toISOString` writes
 * for years 1000-9999), read and written without a general date library. Hot paths (every inbound
 * order carries one, every stored job has one) take this shortcut and leave any other form to their
 * general parser, so what they accept does not change.
 */
const CANONICAL = /^([1-9]\d{3})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Milliseconds since the epoch of canonical UTC text naming a real calendar instant (no February
 * 30th, no hour 24, no leap second), or null for anything else, valid or not.
 */
export function parseCanonicalUtc(text: string): number | null {
  const m = CANONICAL.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, Number(m[7]));
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `YYYY-MM-DD HH:mm:ss.sss` in UTC: `toISOString().slice(0, 23).replace('T', ' ')` for years
 * 1000-9999, about three times faster. Other years (and invalid dates) take that exact expression.
 */
export function utcDateTimeText(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString().slice(0, 23).replace('T', ' ');
  return (
    `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.` +
    pad3(date.getUTCMilliseconds())
  );
}
