import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { hostname } from 'node:os';

import { AppConfig } from './app-config';

/** Thrown at start-up when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once into a validated, typed AppConfig. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig()).concat([
    'DATABASE_URL',
    'KAFKA_BROKERS',
    'SCHEDULER_REPLICA_ID',
  ]);
  const raw: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
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
