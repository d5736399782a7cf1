import { Expose } from 'class-transformer';

/**
 * Declares where a setting comes from: `@Setting('KAFKA_BROKERS') brokers` reads the variable
 * KAFKA_BROKERS into `config.kafka.brokers`. The one place that name is written: start-up errors
 * and secret hiding look it up here, so they name exactly the variable to fix.
 */
const ENV_NAMES = Symbol('config:env-names');

type WithNames = { [ENV_NAMES]?: Map<string, string> };

export function Setting(envName: string): PropertyDecorator {
  const expose = Expose({ name: envName });
  return (target, property) => {
    expose(target, property as string);
    const holder = target as WithNames;
    // Copy rather than mutate a parent class's map.
    holder[ENV_NAMES] = new Map([...(holder[ENV_NAMES] ?? []), [String(property), envName]]);
  };
}

/** Property name → environment variable, for every @Setting of a group class. */
export function envNames(groupClass: abstract new () => object): ReadonlyMap<string, string> {
  return (groupClass.prototype as WithNames)[ENV_NAMES] ?? new Map();
}

/** `a, b,,c` → ['a', 'b', 'c'] (comma-separated lists). */
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
    : value;

/** true/1 and false/0; anything else is left for @IsBoolean to refuse. */
export const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

export const toLower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;
