import { sqlOf } from '../persistence/mysql-transaction';
import { BY_ID, execute, selectRows } from '../persistence/sql-session';
import { toSqlTime } from '../persistence/sql-time';
import { TransactionalMap, type StoreTransaction } from '../scheduler';

export interface AppliedCommand {
  eventId: string;
  type: 'schedule' | 'cancel';
  jobId: string;
}

/**
 * The eventIds of commands already applied (the commands domain's own table), read and written
 * inside the scheduler's unit of work, so a redelivered command changes nothing.
 */
export interface ProcessedCommands {
  /** Those of `eventIds` already applied, locked until the transaction ends. */
  applied(tx: StoreTransaction, eventIds: string[]): Promise<Set<string>>;
  record(tx: StoreTransaction, commands: AppliedCommand[], now: Date): Promise<void>;
  /**
   * Retention: deletes at most `limit` records applied before `before` (callers keep at least the
   * duplicate window, INBOUND_DUPLICATE_WINDOW_DAYS); returns how many.
   */
  prune(tx: StoreTransaction, before: Date, limit: number): Promise<number>;
}

export const PROCESSED_COMMANDS = Symbol('PROCESSED_COMMANDS');

/** MySQL table processed_commands, on the unit of work's connection. */
export class MySqlProcessedCommands implements ProcessedCommands {
  async applied(tx: StoreTransaction, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await selectRows<{ event_id: string }>(
      sqlOf(tx),
      `SELECT event_id FROM processed_commands ${BY_ID} WHERE event_id IN (?) FOR UPDATE`,
      [eventIds],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** Plain INSERT: a concurrent writer's row fails it (duplicate key) and the unit of work runs again. */
  async record(tx: StoreTransaction, commands: AppliedCommand[], now: Date): Promise<void> {
    if (commands.length === 0) return;
    const at = toSqlTime(now);
    await execute(
      sqlOf(tx),
      'INSERT INTO processed_commands (event_id, type, job_id, processed_at) VALUES ?',
      [commands.map((c) => [c.eventId, c.type, c.jobId, at])],
    );
  }

  /** Oldest first by the processed_at index (plain read), then a delete by primary key. */
  async prune(tx: StoreTransaction, before: Date, limit: number): Promise<number> {
    const sql = sqlOf(tx);
    const cutoff = toSqlTime(before);
    const rows = await selectRows<{ event_id: string }>(
      sql,
      'SELECT event_id FROM processed_commands WHERE processed_at < ? ORDER BY processed_at LIMIT ?',
      [cutoff, limit],
    );
    if (rows.length === 0) return 0;
    return execute(sql, 'DELETE FROM processed_commands WHERE event_id IN (?) AND processed_at < ?', [
      rows.map((r) => r.event_id),
      cutoff,
    ]);
  }
}

/** Embedded mode: at most the life of the process (embedded mode keeps nothing longer). */
export class MemoryProcessedCommands implements ProcessedCommands {
  /** Applied time (epoch ms) by eventId, in insertion order: oldest first. */
  private readonly table = new TransactionalMap<string, number>();

  async applied(tx: StoreTransaction, eventIds: string[]): Promise<Set<string>> {
    return new Set(eventIds.filter((id) => this.table.get(tx, id) !== undefined));
  }

  async record(tx: StoreTransaction, commands: AppliedCommand[], now: Date): Promise<void> {
    for (const command of commands) this.table.set(tx, command.eventId, now.getTime());
  }

  async prune(tx: StoreTransaction, before: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const [eventId, at] of this.table.committedEntries()) {
      if (deleted >= limit) break;
      if (at >= before.getTime()) continue;
      this.table.delete(tx, eventId);
      deleted++;
    }
    return deleted;
  }

  /** Rows held (the row-count metric in embedded mode). */
  get size(): number {
    return this.table.size;
  }
}
