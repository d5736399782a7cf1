import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Min, MinLength } from 'class-validator';

import { SecretSetting } from '../secret-settings';
import { Setting, toList } from './setting';

/** The admin REST API's keys and rate limit. */
export class AdminSettings {
  /** Admin API keys (comma-separated). Empty: admin routes refuse every request. */
  @Setting('ADMIN_API_KEYS')
  @SecretSetting()
  @Transform(toList)
  @IsString({ each: true })
  @MinLength(16, { each: true, message: 'each key must be at least 16 characters' })
  apiKeys: string[] = [];

  @Setting('ADMIN_RATE_LIMIT_PER_MINUTE')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  rateLimitPerMinute = 600;
}
