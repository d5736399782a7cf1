import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

import { Setting, toBool } from './setting';

/** How this process runs: production or not, and what embedded mode (no database, no Kafka) keeps. */
export class RuntimeSettings {
  /** production: refuse to start embedded by accident (production-guard.ts), JSON logs even on a TTY. */
  @Setting('NODE_ENV')
  @IsIn(['development', 'production', 'test'])
  nodeEnv = 'development';

  /** With NODE_ENV=production, start even without DATABASE_URL or KAFKA_BROKERS (nothing durable). */
  @Setting('ALLOW_EMBEDDED_IN_PRODUCTION')
  @Transform(toBool)
  @IsBoolean()
  allowEmbeddedInProduction = false;

  /** Embedded mode (no KAFKA_BROKERS): messages kept per topic for GET /v1/events/:topic. */
  @Setting('EMBEDDED_EVENTS_RETAINED')
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  embeddedEventsRetained = 1000;
}
