import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { CLOCK, JOB_STORE } from '../app/scheduler/tokens';
import type { ServiceStore } from '../app/scheduler/scheduler.module';
import { InboundRegistry } from '../messaging/inbound/inbound-registry';
import type { Clock } from '../scheduler';
import { COMMAND_STORE, type CommandStore } from './command-model';
import { CommandsService } from './commands.service';
import { SchedulerCommandDto } from './dto/scheduler-command.dto';
import { MemoryCommandStore } from './memory-command-store';
import { MySqlCommandStore } from './mysql-command-store';

/**
 * Registers `scheduler.commands`. The 'publish' action its jobs name is registered by messaging
 * (src/messaging/publish-handler.ts), which owns the wire format of what gets published.
 */
@Injectable()
class CommandsRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: InboundRegistry,
    private readonly service: CommandsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      topic: this.config.TOPIC_SCHEDULER_COMMANDS,
      dto: SchedulerCommandDto,
      handleBatch: (messages) => this.service.handleBatch(messages),
    });
  }
}

/** Generic delayed publishes over Kafka: MySQL when a database is configured, memory otherwise. */
@Module({
  providers: [
    {
      provide: COMMAND_STORE,
      inject: [JOB_STORE, CLOCK, { token: DataSource, optional: true }],
      useFactory: (jobs: ServiceStore, clock: Clock, dataSource?: DataSource): CommandStore =>
        dataSource ? new MySqlCommandStore(dataSource, clock) : new MemoryCommandStore(jobs, clock),
    },
    {
      provide: CommandsService,
      inject: [COMMAND_STORE, CLOCK],
      useFactory: (store: CommandStore, clock: Clock): CommandsService => new CommandsService(store, clock),
    },
    CommandsRegistrar,
  ],
  exports: [CommandsService],
})
export class CommandsModule {}
