import type { DataSource } from 'typeorm';

import { ER_DUP_ENTRY, errnoOf } from '../persistence/sql-errors';
import { DEFAULT_RETRY, type Sql, withConnection } from '../persistence/sql-session';
import type { Clock } from '../scheduler';
import type {
  CancelCommand,
  CancelOutcome,
  CommandStore,
  ScheduleCommand,
  ScheduleOutcome,
} from './command-model';
import { applyCancelCommand, insertScheduleCommands } from './command-sql';
import { CommandInsertRaceError } from './errors';

const SCHEDULE_CHUNK = 1000;
const RACE_ATTEMPTS = 5;

/** The CommandStore on MySQL/MariaDB: processed_commands written in the job's own transaction. */
export class MySqlCommandStore implements CommandStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async schedule(commands: ScheduleCommand[]): Promise<ScheduleOutcome[]> {
    const outcomes: ScheduleOutcome[] = [];
    for (let i = 0; i < commands.length; i += SCHEDULE_CHUNK) {
      const chunk = commands.slice(i, i + SCHEDULE_CHUNK);
      outcomes.push(
        ...(await this.tx('scheduleCommands', (sql) => insertScheduleCommands(sql, chunk, this.clock.now()))),
      );
    }
    return outcomes;
  }

  cancel(command: CancelCommand): Promise<CancelOutcome> {
    return this.tx('cancelCommand', (sql) => applyCancelCommand(sql, command, this.clock.now()));
  }

  /** One transaction; a concurrent writer of the same rows (rebalance) rolls it back and it runs again. */
  private async tx<T>(operation: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withConnection(
          this.dataSource,
          operation,
          { transaction: true, retry: DEFAULT_RETRY },
          work,
        );
      } catch (error) {
        const race = error instanceof CommandInsertRaceError || errnoOf(error) === ER_DUP_ENTRY;
        if (!race || attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }
}
