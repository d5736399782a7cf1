import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { hostname } from 'node:os';

import { AppConfig } from './app-config';
import { embeddedInProductionProblems } from './production-guard';
import { readSecurity } from './security';
import { isSecretSetting } from './secret-settings';

/** Thrown at start-up when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every setting: each validated property of AppConfig, with or without a default (the derived,
 * lower-case groups are not read from the environment; secrets are read in security.ts).
 */
export function settingNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].filter((name) => /^[A-Z]/.test(name));
}

/** Reads the environment once into a validated, typed AppConfig. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = settingNames();
  const raw: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  const problems =
    errors.length > 0
      ? errors.map(describeConfigProblem)
      : [...embeddedInProductionProblems(config), ...kafkaTimingProblems(config)];
  if (problems.length > 0) throw new ConfigError(problems);
  const security = readSecurity(config, env);
  if (security.problems.length > 0) throw new ConfigError(security.problems);
  config.kafkaSecurity = security.kafka;
  config.databaseSecurity = security.database;
  config.SCHEDULER_REPLICA_ID ??= `${hostname()}-${process.pid}`;
  return config;
}

/** Names the variable and the rule; the value only for settings that are not secret. */
export function describeConfigProblem(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  if (isSecretSetting(AppConfig, error.property)) return `${error.property} (value hidden): ${reasons}`;
  const shown = JSON.stringify(error.value) ?? String(error.value);
  return `${error.property}=${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}: ${reasons}`;
}

/** Embedded mode: nothing durable, for trying the service out with `npm start` alone. */
export function isEmbedded(config: AppConfig): boolean {
  return config.DATABASE_URL === undefined && config.KAFKA_BROKERS === undefined;
}

/** A heartbeat must reach the broker several times per session, or a slow tick drops the member. */
function kafkaTimingProblems(config: AppConfig): string[] {
  return config.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > config.KAFKA_SESSION_TIMEOUT_MS
    ? [
        `KAFKA_HEARTBEAT_INTERVAL_MS (${config.KAFKA_HEARTBEAT_INTERVAL_MS}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${config.KAFKA_SESSION_TIMEOUT_MS})`,
      ]
    : [];
}
