import { hideUrlCredentials } from '../../scheduler/error-text';

/**
 * Values shorter than this are not hidden: censoring every occurrence of a short word would
 * mangle ordinary text (ids, table names), and a credential that short protects nothing. The
 * settings themselves demand more (ADMIN_API_KEYS 16, HTTP_TARGET_SIGNING_SECRET 32 characters).
 */
export const MIN_SECRET_LENGTH = 8;
export const SECRET_CENSOR = '[REDACTED]';

/**
 * The configured secret values of this process (registered once the configuration is read,
 * configuredSecretValues), hidden from every text that leaves it. Process-wide on purpose: log
 * lines, startup errors and recorded error texts are written from places no injector reaches.
 */
const known = new Set<string>();
/** Longest first, so a secret containing another is hidden whole. */
let ordered: string[] = [];
/** The same values as they appear inside a JSON string (quotes, backslashes, control characters escaped). */
let inJson: string[] = [];

export function registerSecretValues(values: Iterable<string>): void {
  let added = false;
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH || known.has(value)) continue;
    known.add(value);
    added = true;
  }
  if (!added) return;
  ordered = [...known].sort((a, b) => b.length - a.length);
  inJson = ordered.map((value) => JSON.stringify(value).slice(1, -1));
}

/** Text with URL passwords (`scheme://user:***@host`) and every registered secret value hidden. */
export function scrubSecrets(text: string): string {
  let scrubbed = hideUrlCredentials(text);
  for (const value of ordered) {
    if (scrubbed.includes(value)) scrubbed = scrubbed.replaceAll(value, SECRET_CENSOR);
  }
  return scrubbed;
}

/** A JSON string literal (escapes included). */
const JSON_STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

/**
 * A serialized JSON line (a log line) with every string in it scrubbed, whatever field, depth or
 * serializer it came from; the line itself when there is nothing to hide (the common case, checked
 * without parsing). Strings are scrubbed decoded and re-encoded, so the line stays valid JSON.
 */
export function scrubJsonLine(line: string): string {
  if (!line.includes('://') && !inJson.some((value) => line.includes(value))) return line;
  return line.replace(JSON_STRING, (literal) => {
    const text = JSON.parse(literal) as string;
    const scrubbed = scrubSecrets(text);
    return scrubbed === text ? literal : JSON.stringify(scrubbed);
  });
}

const MAX_DEPTH = 8;

/**
 * A copy of a value to be formatted by someone else (Nest's console logger inspects objects,
 * escaping what it prints): strings scrubbed, errors rebuilt with scrubbed message and stack,
 * arrays and plain objects copied (to a bounded depth); anything else as is.
 */
export function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) {
    const copy = new Error(scrubSecrets(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : scrubSecrets(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [scrubSecrets(key), scrubDeep(item, depth + 1)]),
  );
}
