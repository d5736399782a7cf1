import { type DynamicModule, Global, Module } from '@nestjs/common';

import { registerSecretValues } from '../logging/secret-scrubber';
import { AppConfig } from './app-config';
import { configuredSecretValues } from './secret-values';

/**
 * Makes the one validated AppConfig injectable everywhere, and registers its secret values with
 * the scrubber, so no log line or recorded error text of this app shows them.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    registerSecretValues(configuredSecretValues(config));
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
