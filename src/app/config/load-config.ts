import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { hostname } from 'node:os';

import { AppConfig } from './app-config';
import { readSecurity } from './security';

/** Thrown at start-up when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Settings without a default (absent from `new AppConfig()`); secrets are read in security.ts. */
const OPTIONAL_SETTINGS = [
  'DATABASE_URL',
  'DATABASE_SSL_CA_FILE',
  'DATABASE_SSL_CERT_FILE',
  'DATABASE_SSL_KEY_FILE',
  'KAFKA_BROKERS',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'SCHEDULER_REPLICA_ID',
];

/** Reads the environment once into a validated, typed AppConfig. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig())
    .filter((name) => /^[A-Z]/.test(name))
    .concat(OPTIONAL_SETTINGS);
  const raw: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  const security = readSecurity(config, env);
  if (security.problems.length > 0) throw new ConfigError(security.problems);
  config.kafkaSecurity = security.kafka;
  config.databaseSecurity = security.database;
  config.SCHEDULER_REPLICA_ID ??= `${hostname()}-${process.pid}`;
  return config;
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}=${JSON.stringify(error.value)}: ${reasons}`;
}

/** Embedded mode: nothing durable, for trying the service out with `npm start` alone. */
export function isEmbedded(config: AppConfig): boolean {
  return config.DATABASE_URL === undefined && config.KAFKA_BROKERS === undefined;
}
