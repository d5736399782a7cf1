import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

import { Setting, toBool } from './setting';

export class LogSettings {
  @Setting('LOG_LEVEL')
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  level = 'info';

  /** Human-readable lines (pino-pretty, a dev dependency). Unset: when stdout is a terminal, outside production. */
  @Setting('LOG_PRETTY')
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  pretty?: boolean;
}
