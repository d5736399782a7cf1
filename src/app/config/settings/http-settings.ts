import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

import { Setting, toList } from './setting';

/** The HTTP server: where it listens and what it accepts from browsers and clients. */
export class HttpSettings {
  @Setting('PORT')
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  @Setting('HOST')
  @IsString()
  host = '0.0.0.0';

  /** Largest HTTP request body accepted (JSON); larger ones get 413. */
  @Setting('HTTP_MAX_BODY_BYTES')
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16_777_216)
  maxBodyBytes = 1_048_576;

  /**
   * Browser origins allowed to call the API cross-origin (comma-separated, e.g.
   * https://admin.example.com). Empty: no CORS headers at all, so browsers keep other origins out.
   */
  @Setting('CORS_ALLOWED_ORIGINS')
  @Transform(toList)
  @Matches(/^https?:\/\/[^/\s,*]+$/, { each: true, message: 'each origin must be scheme://host[:port]' })
  corsAllowedOrigins: string[] = [];
}
