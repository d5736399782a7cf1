import { DateTime } from 'luxon';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

import { idProblem } from '../../scheduler/validation';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True for an ISO 8601 date-time with a UTC offset that exists on the calendar (no Feb 31, no 25:00). */
export function isStrictDateTime(value: unknown): value is string {
  return (
    typeof value === 'string' && DATE_TIME.test(value) && DateTime.fromISO(value, { setZone: true }).isValid
  );
}

/**
 * For inbound DTO timestamps: class-validator's IsISO8601 accepts dates without an offset (read in
 * whatever zone the process has) and, unless strict, impossible ones; this accepts neither.
 */
export function IsStrictDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isStrictDateTime',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be an ISO 8601 date-time with an offset, e.g. 2026-01-31T12:00:00Z`,
        ...options,
      },
      validator: { validate: (value: unknown) => isStrictDateTime(value) },
    });
}

/**
 * For inbound ids (order, job, event): the one id rule of src/scheduler/validation/ids.ts (a
 * string of 1..maxLength characters, no control characters, no lone surrogates, no whitespace at
 * either end), so Kafka, REST and the engine refuse the same ids.
 */
export function IsValidId(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isValidId',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} ${idProblem(args.value, maxLength) ?? 'is not a valid id'}`,
        ...options,
      },
      validator: { validate: (value: unknown) => idProblem(value, maxLength) === undefined },
    });
}
