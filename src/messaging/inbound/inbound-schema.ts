import Ajv, { type AnySchemaObject, type KeywordDefinition, type ValidateFunction } from 'ajv';

import { idProblem } from '../../scheduler/validation';
import type { DtoClass } from './inbound-message';

/**
 * A compiled JSON Schema in front of an inbound DTO's class-validator rules, because the latter cost
 * ~25 µs a message (metadata lookups per call) and the schema ~1 µs. The schema is a shortcut
 * only: it must accept nothing the DTO refuses and leave what it accepts equal to what the DTO path
 * would give (unknown properties removed where whitelist removes them). Whatever the schema
 * refuses goes through class-validator, which decides and names the field, so errors and bounds
 * stay those of the DTO. Keep a schema narrower than its DTO when in doubt: that only costs speed.
 */
const ajv = new Ajv({
  allErrors: false,
  // Where a schema says additionalProperties: false, unknown properties are dropped (whitelist).
  removeAdditional: true,
  coerceTypes: false,
  useDefaults: false,
  allowUnionTypes: true,
  strict: true,
  // `required` inside if/then/oneOf names properties declared at the top of the same schema.
  strictRequired: false,
});

ajv.addKeyword({
  keyword: 'validId',
  type: 'string',
  schemaType: 'number',
  errors: false,
  validate: (maxLength: number, data: string) => idProblem(data, maxLength) === undefined,
});
ajv.addKeyword({
  keyword: 'notStartsWith',
  type: 'string',
  schemaType: 'string',
  errors: false,
  validate: (prefix: string, data: string) => !data.startsWith(prefix),
});

/** A keyword of a module's own (e.g. the orders' instant rule); define it before a schema uses it. */
export function defineInboundKeyword(definition: KeywordDefinition): void {
  ajv.addKeyword(definition);
}

const compiled = new WeakMap<DtoClass<object>, ValidateFunction>();

/**
 * Class decorator: the shortcut schema of an inbound DTO (see above for what it must satisfy),
 * compiled here so that a broken schema fails the import, not a message.
 */
export function InboundSchema(schema: AnySchemaObject): ClassDecorator {
  const validate = ajv.compile(schema);
  return (target) => {
    compiled.set(target as unknown as DtoClass<object>, validate);
  };
}

/**
 * The compiled shortcut of `dto` (its own, not inherited), or undefined when it has none. The
 * function may remove unknown properties from its argument even when it returns false.
 */
export function inboundSchemaOf(dto: DtoClass<object>): ValidateFunction | undefined {
  return compiled.get(dto);
}
