import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { runMigrations } from '../../persistence/data-source';
import type { DatabaseWithUrl } from '../config/settings/database-settings';
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

/**
 * The shared TypeORM DataSource. Migrations run at start unless DATABASE_RUN_MIGRATIONS=false,
 * under a database lock so that replicas starting together apply each migration once.
 */
@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseWithUrl): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...databaseOptions(database),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (!database.runMigrations) return dataSource;
            try {
              await runMigrations(dataSource);
            } catch (error) {
              // A retry builds a new DataSource: do not leave this one's pool behind.
              await dataSource.destroy().catch(() => undefined);
              throw error;
            }
            return dataSource;
          },
        }),
      ],
      providers: [MySqlReadiness],
    };
  }
}
