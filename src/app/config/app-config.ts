import 'reflect-metadata';

import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

import { type DatabaseSecurity, type KafkaSecurity, SASL_MECHANISMS, type SaslMechanism } from './security';
import { SecretSetting } from './secret-settings';

const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
    : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const toLower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;

/**
 * Every setting the service reads, validated once at start-up. Property names are the
 * environment variable names, so an error names exactly the variable to fix. Mark a setting
 * @SecretSetting() (passwords, keys, URLs with credentials): its value then never appears in a
 * configuration error or a log line.
 * Defaults and meanings are listed in .env.example.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  /** With NODE_ENV=production, start even without DATABASE_URL or KAFKA_BROKERS (nothing durable). */
  @Transform(toBool)
  @IsBoolean()
  ALLOW_EMBEDDED_IN_PRODUCTION = false;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Human-readable lines (pino-pretty, a dev dependency). Unset: when stdout is a terminal, outside production. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY?: boolean;

  /**
   * mysql://user:pass@host:port/db. Unset: jobs live in memory (embedded mode, nothing durable).
   * No `?options`: the driver would silently ignore them (TLS has its own DATABASE_SSL_* settings).
   */
  @SecretSetting()
  @IsOptional()
  @Matches(/^mysql:\/\/[^/?#]+\/[A-Za-z0-9_]+$/, {
    message:
      'must look like mysql://user:pass@host:3306/database (no ?options: use the DATABASE_SSL_* settings)',
  })
  DATABASE_URL?: string;

  /** TLS to MySQL (the password may also come from DATABASE_PASSWORD or DATABASE_PASSWORD_FILE). */
  @Transform(toBool)
  @IsBoolean()
  DATABASE_SSL = false;

  @IsOptional() @IsString() DATABASE_SSL_CA_FILE?: string;
  @IsOptional() @IsString() DATABASE_SSL_CERT_FILE?: string;
  @IsOptional() @IsString() DATABASE_SSL_KEY_FILE?: string;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_SSL_REJECT_UNAUTHORIZED = true;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_SSL_CHECK_HOSTNAME = true;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS = true;

  /** host:port list. Unset: events go to an in-memory bus (embedded mode). */
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty()
  @Matches(/^[^\s:,]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string[];

  /** TLS to the brokers (SSL or SASL_SSL listeners). */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL = false;

  @IsOptional() @IsString() KAFKA_SSL_CA_FILE?: string;
  @IsOptional() @IsString() KAFKA_SSL_CERT_FILE?: string;
  @IsOptional() @IsString() KAFKA_SSL_KEY_FILE?: string;

  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL_REJECT_UNAUTHORIZED = true;

  @Transform(toBool)
  @IsBoolean()
  KAFKA_SSL_CHECK_HOSTNAME = true;

  /** SASL: plain, scram-sha-256 or scram-sha-512; the password comes from KAFKA_SASL_PASSWORD(_FILE). */
  @IsOptional()
  @Transform(toLower)
  @IsIn(SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM?: SaslMechanism;

  @IsOptional()
  @IsString()
  @MinLength(1)
  KAFKA_SASL_USERNAME?: string;

  @IsString()
  @MinLength(1)
  KAFKA_CLIENT_ID = 'delayed-action-service';

  @IsString()
  @MinLength(1)
  KAFKA_GROUP_ID = 'delayed-action-service';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  KAFKA_TOPIC_PARTITIONS = 6;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  KAFKA_REPLICATION_FACTOR = 1;

  @Transform(toBool)
  @IsBoolean()
  KAFKA_CREATE_TOPICS = true;

  /** Where the consumer group starts on a topic it has no committed offset for (false: only new messages). */
  @Transform(toBool)
  @IsBoolean()
  KAFKA_CONSUME_FROM_BEGINNING = true;

  /** Partitions one replica handles at once (a partition retrying a failed handler holds only its slot). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_PARTITIONS_CONCURRENTLY = 3;

  /**
   * How long the broker waits for a silent consumer before dropping it from the group. After a
   * broker restart a consumer rejoins as a new member, and the group's rebalance waits out the old
   * members' session: this is how long consuming stays stopped (kafkajs default 30 s). At least the
   * broker's group.min.session.timeout.ms (6 s by default).
   */
  @Type(() => Number)
  @IsInt()
  @Min(6000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 10_000;

  /** How often a consumer heartbeats; at most a third of KAFKA_SESSION_TIMEOUT_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(100_000)
  KAFKA_HEARTBEAT_INTERVAL_MS = 3000;

  /** Inbound messages handed to a domain handler per call (and committed together). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  INBOUND_BATCH_SIZE = 500;

  /** Longest back-off between retries of a failing inbound handler. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  INBOUND_RETRY_MAX_MS = 10_000;

  /**
   * A partition retrying the same inbound offset this long makes /health/ready report the inbound
   * consumer degraded (503); kafka_inbound_partition_stuck_seconds shows it from the first retry.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  INBOUND_STUCK_AFTER_SECONDS = 60;

  /** Largest inbound message accepted; larger ones go to the dead-letter topic. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  MAX_MESSAGE_BYTES = 1_048_576;

  @IsString() TOPIC_ORDERS_CREATED = 'orders.created';
  @IsString() TOPIC_ORDERS_PAID = 'orders.paid';
  @IsString() TOPIC_ORDERS_CANCEL = 'orders.cancel';
  @IsString() TOPIC_INVENTORY_RESTOCK = 'inventory.restock';
  @IsString() TOPIC_ORDERS_LATE_PAYMENT = 'orders.late-payment';
  @IsString() TOPIC_SCHEDULER_COMMANDS = 'scheduler.commands';
  @IsString() TOPIC_SCHEDULER_DEAD_LETTER = 'scheduler.dead-letter';

  /** Cancel an unpaid order after this long, unless the event says otherwise. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ORDER_PAYMENT_TIMEOUT_SECONDS = 1800;

  /** This replica's name in leases and run history. Default: hostname-pid. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  SCHEDULER_REPLICA_ID?: string;

  @Type(() => Number)
  @IsInt()
  @Min(5)
  SCHEDULER_LEASE_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  SCHEDULER_BATCH_SIZE = 500;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SCHEDULER_MAX_CONCURRENCY = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SCHEDULER_RUN_TIMEOUT_SECONDS = 30;

  /** Longest sleep of the loop: other replicas may add due jobs it cannot hear about. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  SCHEDULER_MAX_POLL_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_BATCH_SIZE = 500;

  @Type(() => Number)
  @IsInt()
  @Min(5)
  OUTBOX_POLL_MS = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_HOURS = 24;

  /** Readiness check 'outbox' reports down once the relay has failed continuously for this long. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  OUTBOX_DOWN_AFTER_MS = 30_000;

  /**
   * Longest back-off of the outbox relay after a failure (database or broker down): also how late,
   * at most, it notices the outage is over and readiness turns up again.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  OUTBOX_RETRY_MAX_MS = 2000;

  /**
   * An outbox event whose topic keeps refusing it (unknown topic, too large, not authorized) is
   * dead-lettered after failing this long; meanwhile only its topic waits, the others flow.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(7 * 24 * 3_600_000)
  OUTBOX_DEAD_LETTER_AFTER_MS = 300_000;

  /** Embedded mode (no KAFKA_BROKERS): messages kept per topic for GET /v1/events/:topic. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  EMBEDDED_EVENTS_RETAINED = 1000;

  /** Admin API keys (comma-separated). Empty: admin routes refuse every request. */
  @SecretSetting()
  @Transform(toList)
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each key must be at least 16 characters' })
  ADMIN_API_KEYS: string[] = [];

  @Type(() => Number)
  @IsInt()
  @Min(1)
  ADMIN_RATE_LIMIT_PER_MINUTE = 600;

  /** Largest HTTP request body accepted (JSON); larger ones get 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16_777_216)
  HTTP_MAX_BODY_BYTES = 1_048_576;

  /**
   * HMAC-SHA256 key for the x-delayed-action-signature header of HTTP target deliveries.
   * Unset: jobs with the `http` action are refused.
   */
  @SecretSetting()
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  HTTP_TARGET_SIGNING_SECRET?: string;

  /** Hosts HTTP targets may call even though they resolve to loopback, private or link-local addresses. */
  @Transform(toList)
  @IsString({ each: true })
  HTTP_TARGET_ALLOWED_HOSTS: string[] = [];

  /** Timeout of one HTTP target delivery unless the job sets `timeoutSeconds`. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  HTTP_TARGET_TIMEOUT_SECONDS = 10;

  /**
   * Browser origins allowed to call the API cross-origin (comma-separated, e.g.
   * https://admin.example.com). Empty: no CORS headers at all, so browsers keep other origins out.
   */
  @Transform(toList)
  @Matches(/^https?:\/\/[^/\s,*]+$/, { each: true, message: 'each origin must be scheme://host[:port]' })
  CORS_ALLOWED_ORIGINS: string[] = [];

  /** Derived at start from the *_SSL*, KAFKA_SASL_* and secret settings (not environment names). */
  kafkaSecurity: KafkaSecurity = {};
  databaseSecurity: DatabaseSecurity = {};

  /** Retry policy of jobs that set none (a job's `retry` overrides any part): attempts in all. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(185)
  SCHEDULER_RETRY_MAX_ATTEMPTS = 5;

  /** Delay before the second attempt; each next one is `SCHEDULER_RETRY_MULTIPLIER` times longer. */
  @Type(() => Number)
  @Min(0)
  @Max(86_400)
  SCHEDULER_RETRY_INITIAL_SECONDS = 10;

  @Type(() => Number)
  @Min(1)
  @Max(10)
  SCHEDULER_RETRY_MULTIPLIER = 2;

  @Type(() => Number)
  @Min(0)
  @Max(86_400)
  SCHEDULER_RETRY_MAX_SECONDS = 600;

  /** Fraction of each delay drawn at random (0-1). */
  @Type(() => Number)
  @Min(0)
  @Max(1)
  SCHEDULER_RETRY_JITTER = 0.2;

  /** A run older than this is not attempted again (it is dead). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(604_800)
  SCHEDULER_RETRY_MAX_EVENT_AGE_SECONDS = 86_400;
}
