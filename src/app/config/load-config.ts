import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { hostname } from 'node:os';

import { AppConfig } from './app-config';
import { embeddedInProductionProblems } from './production-guard';
import { readSecurity } from './security';
import { isSecretSetting, settingGroups, settingNames } from './settings-catalog';
import { envNames } from './settings/setting';
import type { KafkaSettings } from './settings/kafka-settings';
import type { RetentionSettings } from './settings/retention-settings';

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
  const raw: Record<string, string> = {};
  for (const name of settingNames()) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = new AppConfig();
  const problems: string[] = [];
  for (const [group, groupClass] of settingGroups()) {
    const settings = plainToInstance(groupClass as new () => object, raw, {
      exposeDefaultValues: true,
      excludeExtraneousValues: true,
    });
    const names = envNames(groupClass);
    for (const error of validateSync(settings, { forbidUnknownValues: true })) {
      problems.push(
        describeConfigProblem({ ...error, property: names.get(error.property) ?? error.property }),
      );
    }
    Object.assign(config, { [group]: settings });
  }
  if (problems.length === 0) {
    problems.push(
      ...embeddedInProductionProblems(config),
      ...kafkaTimingProblems(config.kafka),
      ...retentionProblems(config.retention),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const security = readSecurity(config, env);
  if (security.problems.length > 0) throw new ConfigError(security.problems);
  config.kafka.security = security.kafka;
  config.database.security = security.database;
  config.scheduler.replicaId ??= `${hostname()}-${process.pid}`;
  return config;
}

/** Names the variable (`property`) and the rule; the value only for settings that are not secret. */
export function describeConfigProblem(
  error: Pick<ValidationError, 'property' | 'value' | 'constraints' | 'children'>,
): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  if (isSecretSetting(error.property)) return `${error.property} (value hidden): ${reasons}`;
  const shown = JSON.stringify(error.value) ?? String(error.value);
  return `${error.property}=${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}: ${reasons}`;
}

/** Embedded mode: nothing durable, for trying the service out with `npm start` alone. */
export function isEmbedded(config: AppConfig): boolean {
  return config.database.url === undefined && config.kafka.brokers === undefined;
}

/** A heartbeat must reach the broker several times per session, or a slow tick drops the member. */
function kafkaTimingProblems(kafka: KafkaSettings): string[] {
  return kafka.heartbeatIntervalMs * 3 > kafka.sessionTimeoutMs
    ? [
        `KAFKA_HEARTBEAT_INTERVAL_MS (${kafka.heartbeatIntervalMs}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${kafka.sessionTimeoutMs})`,
      ]
    : [];
}

/**
 * order_states and processed_commands are how a redelivered event is recognised: deleting their
 * rows sooner than the duplicate window would let a redelivery schedule (or cancel) again.
 */
function retentionProblems(retention: RetentionSettings): string[] {
  const window = retention.duplicateWindowDays;
  const tables = [
    ['RETENTION_ORDER_STATES_DAYS', retention.orderStatesDays],
    ['RETENTION_PROCESSED_COMMANDS_DAYS', retention.processedCommandsDays],
  ] as const;
  return tables
    .filter(([, days]) => days !== 0 && days < window)
    .map(
      ([name, days]) =>
        `${name} (${days}) must be 0 (keep forever) or at least INBOUND_DUPLICATE_WINDOW_DAYS (${window})`,
    );
}
