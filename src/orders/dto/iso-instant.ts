import { applyDecorators } from '@nestjs/common';
import { isISO8601, IsISO8601, Matches } from 'class-validator';

import { defineInboundKeyword } from '../../messaging/inbound/inbound-schema';
import { parseCanonicalUtc } from '../../scheduler/validation/utc-text';

/** ISO 8601 date-time with seconds and an explicit offset (`Z` or `±hh:mm`). */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const STRICT = { strict: true, strictSeparator: true };

/** The check of IsIsoInstant, for custom validators. */
export function isIsoInstant(value: string): boolean {
  // toISOString's form naming a real instant passes every check below; it is checked much faster.
  if (parseCanonicalUtc(value) !== null) return true;
  return WITH_OFFSET.test(value) && isISO8601(value, STRICT) && !isNaN(Date.parse(value));
}

/**
 * An instant on the wire: ISO 8601 with an offset, and a real calendar date. `strict` rejects
 * '2025-02-30T10:00:00Z', which `new Date()` would silently roll over to March 2.
 */
export function IsIsoInstant(): PropertyDecorator {
  return applyDecorators(
    IsISO8601(STRICT, { message: '$property must be a valid ISO 8601 date-time' }),
    Matches(WITH_OFFSET, { message: '$property must be an ISO 8601 date-time with an offset (Z or ±hh:mm)' }),
  );
}

/** `isoInstant: true` in an inbound schema: the check of IsIsoInstant. */
defineInboundKeyword({
  keyword: 'isoInstant',
  type: 'string',
  schemaType: 'boolean',
  errors: false,
  validate: (_: boolean, data: string) => isIsoInstant(data),
});
