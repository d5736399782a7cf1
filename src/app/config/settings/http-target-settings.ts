import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { SecretSetting } from '../secret-settings';
import { Setting, toList } from './setting';

/** Jobs whose action is an HTTP call (the `http` action). */
export class HttpTargetSettings {
  /**
   * HMAC-SHA256 key for the x-delayed-action-signature header of HTTP target deliveries.
   * Unset: jobs with the `http` action are refused.
   */
  @Setting('HTTP_TARGET_SIGNING_SECRET')
  @SecretSetting()
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  signingSecret?: string;

  /** Hosts HTTP targets may call even though they resolve to loopback, private or link-local addresses. */
  @Setting('HTTP_TARGET_ALLOWED_HOSTS')
  @Transform(toList)
  @IsString({ each: true })
  allowedHosts: string[] = [];

  /** Timeout of one HTTP target delivery unless the job sets `timeoutSeconds`. */
  @Setting('HTTP_TARGET_TIMEOUT_SECONDS')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300)
  timeoutSeconds = 10;
}
