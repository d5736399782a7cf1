import { ValidationError } from '../errors';

/**
 * Bounds on inbound JSON, checked before anything is stored. MariaDB's JSON_VALID refuses documents
 * nested 32 levels or deeper, and recursive walkers (class-transformer, JSON.stringify) overflow the
 * stack on a few thousand levels, so depth is checked on the raw text (one pass, no recursion) before
 * it is parsed, and on parsed values iteratively.
 */
export const MAX_JSON_DEPTH = 20;

/** Nesting depth of JSON text (scalars are 0, `[]` and `{}` are 1); text inside strings is ignored. */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Nesting depth of a parsed value (arrays and plain objects count; scalars are 0), iteratively. */
export function jsonValueDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > stopAbove) return max;
    }
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) stack.push([child, depth]);
  }
  return max;
}

/** Throws a ValidationError naming `field` when `value` is nested deeper than `maxDepth`. */
export function assertJsonDepth(value: unknown, field: string, maxDepth = MAX_JSON_DEPTH): void {
  const depth = jsonValueDepth(value, maxDepth);
  if (depth > maxDepth) {
    throw new ValidationError(field, `JSON nested more than ${maxDepth} levels deep`);
  }
}

/** Throws a ValidationError naming `field` when `value` serializes to more than `maxBytes` UTF-8 bytes. */
export function assertJsonSize(value: unknown, field: string, maxBytes: number): void {
  const text = JSON.stringify(value) ?? '';
  // A UTF-8 byte is at least one UTF-16 unit: skip the byte count when the string is clearly small.
  if (text.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new ValidationError(field, `JSON larger than ${maxBytes} bytes (${bytes})`);
  }
}
