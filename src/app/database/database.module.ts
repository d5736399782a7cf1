import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AppConfig } from '../config/app-config';
import { ReadinessRegistry } from '../health/readiness';
import { databaseOptions } from './database-options';

@Injectable()
class MySqlReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'mysql',
      check: async () => {
        await this.dataSource.query('SELECT 1');
        return { status: 'up' };
      },
    });
  }
}

/** The shared TypeORM DataSource; migrations run at start unless DATABASE_RUN_MIGRATIONS=false. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig & { DATABASE_URL: string }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...databaseOptions(config),
          migrationsRun: config.DATABASE_RUN_MIGRATIONS,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [MySqlReadiness],
    };
  }
}
