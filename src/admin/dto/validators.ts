import { ValidateIf } from 'class-validator';

/** May be absent, but not null (class-validator's IsOptional lets null through). */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** Printable ids: no control characters, so they survive URLs and log lines. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;
