import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '../app/config/app-config';
import { CLOCK } from '../app/scheduler/tokens';
import { InboundRegistry } from '../messaging/inbound/inbound-registry';
import { Scheduler, type Clock } from '../scheduler';
import { CommandsService } from './commands.service';
import { SchedulerCommandDto } from './dto/scheduler-command.dto';
import {
  MemoryProcessedCommands,
  MySqlProcessedCommands,
  PROCESSED_COMMANDS,
  type ProcessedCommands,
} from './processed-commands';

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
      topic: this.config.topics.schedulerCommands,
      dto: SchedulerCommandDto,
      handleBatch: (messages) => this.service.handleBatch(messages),
    });
  }
}

/** Generic delayed publishes over Kafka: processed_commands in MySQL when a database is configured, memory otherwise. */
@Module({
  providers: [
    {
      provide: PROCESSED_COMMANDS,
      inject: [{ token: DataSource, optional: true }],
      useFactory: (dataSource?: DataSource): ProcessedCommands =>
        dataSource ? new MySqlProcessedCommands() : new MemoryProcessedCommands(),
    },
    {
      provide: CommandsService,
      inject: [Scheduler, PROCESSED_COMMANDS, CLOCK],
      useFactory: (scheduler: Scheduler, processed: ProcessedCommands, clock: Clock): CommandsService =>
        new CommandsService(scheduler, processed, clock),
    },
    CommandsRegistrar,
  ],
  exports: [CommandsService, PROCESSED_COMMANDS],
})
export class CommandsModule {}
