import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { SecretSetting } from '../secret-settings';
import type { DatabaseSecurity } from '../security';
import { Setting, toBool } from './setting';

/** MySQL/MariaDB: where, how securely, how many connections; whether to migrate at start. */
export class DatabaseSettings {
  /**
   * mysql://user:pass@host:port/db. Unset: jobs live in memory (embedded mode, nothing durable).
   * No `?options`: the driver would silently ignore them (TLS has its own DATABASE_SSL_* settings).
   */
  @Setting('DATABASE_URL')
  @SecretSetting()
  @IsOptional()
  @Matches(/^mysql:\/\/[^/?#]+\/[A-Za-z0-9_]+$/, {
    message:
      'must look like mysql://user:pass@host:3306/database (no ?options: use the DATABASE_SSL_* settings)',
  })
  url?: string;

  /** TLS to MySQL (the password may also come from DATABASE_PASSWORD or DATABASE_PASSWORD_FILE). */
  @Setting('DATABASE_SSL')
  @Transform(toBool)
  @IsBoolean()
  ssl = false;

  @Setting('DATABASE_SSL_CA_FILE') @IsOptional() @IsString() sslCaFile?: string;
  @Setting('DATABASE_SSL_CERT_FILE') @IsOptional() @IsString() sslCertFile?: string;
  @Setting('DATABASE_SSL_KEY_FILE') @IsOptional() @IsString() sslKeyFile?: string;

  @Setting('DATABASE_SSL_REJECT_UNAUTHORIZED')
  @Transform(toBool)
  @IsBoolean()
  sslRejectUnauthorized = true;

  @Setting('DATABASE_SSL_CHECK_HOSTNAME')
  @Transform(toBool)
  @IsBoolean()
  sslCheckHostname = true;

  @Setting('DATABASE_POOL_SIZE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  poolSize = 10;

  @Setting('DATABASE_RUN_MIGRATIONS')
  @Transform(toBool)
  @IsBoolean()
  runMigrations = true;

  /** Derived at start-up (security.ts) from DATABASE_SSL_* and DATABASE_PASSWORD(_FILE). */
  security: DatabaseSecurity = {};
}

/** The settings once DATABASE_URL is known to be set (durable mode). */
export type DatabaseWithUrl = DatabaseSettings & { url: string };
