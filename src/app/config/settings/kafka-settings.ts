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

import { type KafkaSecurity, SASL_MECHANISMS, type SaslMechanism } from '../security';
import { Setting, toBool, toList, toLower } from './setting';

/** The Kafka cluster: brokers, TLS and SASL, the consumer group and how topics are created. */
export class KafkaSettings {
  /** host:port list. Unset: events go to an in-memory bus (embedded mode). */
  @Setting('KAFKA_BROKERS')
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty()
  @Matches(/^[^\s:,]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  brokers?: string[];

  /** TLS to the brokers (SSL or SASL_SSL listeners). */
  @Setting('KAFKA_SSL')
  @Transform(toBool)
  @IsBoolean()
  ssl = false;

  @Setting('KAFKA_SSL_CA_FILE') @IsOptional() @IsString() sslCaFile?: string;
  @Setting('KAFKA_SSL_CERT_FILE') @IsOptional() @IsString() sslCertFile?: string;
  @Setting('KAFKA_SSL_KEY_FILE') @IsOptional() @IsString() sslKeyFile?: string;

  @Setting('KAFKA_SSL_REJECT_UNAUTHORIZED')
  @Transform(toBool)
  @IsBoolean()
  sslRejectUnauthorized = true;

  @Setting('KAFKA_SSL_CHECK_HOSTNAME')
  @Transform(toBool)
  @IsBoolean()
  sslCheckHostname = true;

  /** SASL: plain, scram-sha-256 or scram-sha-512; the password comes from KAFKA_SASL_PASSWORD(_FILE). */
  @Setting('KAFKA_SASL_MECHANISM')
  @IsOptional()
  @Transform(toLower)
  @IsIn(SASL_MECHANISMS)
  saslMechanism?: SaslMechanism;

  @Setting('KAFKA_SASL_USERNAME')
  @IsOptional()
  @IsString()
  @MinLength(1)
  saslUsername?: string;

  @Setting('KAFKA_CLIENT_ID')
  @IsString()
  @MinLength(1)
  clientId = 'delayed-action-service';

  @Setting('KAFKA_GROUP_ID')
  @IsString()
  @MinLength(1)
  groupId = 'delayed-action-service';

  @Setting('KAFKA_TOPIC_PARTITIONS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  topicPartitions = 6;

  @Setting('KAFKA_REPLICATION_FACTOR')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  replicationFactor = 1;

  @Setting('KAFKA_CREATE_TOPICS')
  @Transform(toBool)
  @IsBoolean()
  createTopics = true;

  /** Where the consumer group starts on a topic it has no committed offset for (false: only new messages). */
  @Setting('KAFKA_CONSUME_FROM_BEGINNING')
  @Transform(toBool)
  @IsBoolean()
  consumeFromBeginning = true;

  /** Partitions one replica handles at once (a partition retrying a failed handler holds only its slot). */
  @Setting('KAFKA_PARTITIONS_CONCURRENTLY')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  partitionsConcurrently = 3;

  /**
   * How long the broker waits for a silent consumer before dropping it from the group. After a
   * broker restart a consumer rejoins as a new member, and the group's rebalance waits out the old
   * members' session: this is how long consuming stays stopped (kafkajs default 30 s). At least the
   * broker's group.min.session.timeout.ms (6 s by default).
   */
  @Setting('KAFKA_SESSION_TIMEOUT_MS')
  @Type(() => Number)
  @IsInt()
  @Min(6000)
  @Max(300_000)
  sessionTimeoutMs = 10_000;

  /** How often a consumer heartbeats; at most a third of KAFKA_SESSION_TIMEOUT_MS (checked in load-config.ts). */
  @Setting('KAFKA_HEARTBEAT_INTERVAL_MS')
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(100_000)
  heartbeatIntervalMs = 3000;

  /** Derived at start-up (security.ts) from KAFKA_SSL_* and KAFKA_SASL_*. */
  security: KafkaSecurity = {};
}

/** The settings once KAFKA_BROKERS is known to be set. */
export type KafkaWithBrokers = KafkaSettings & { brokers: string[] };
