import type { ProcessedCommands } from '../../commands/processed-commands';
import type { OrderStates } from '../../orders/order-states';
import type { JobStore } from '../../scheduler';
import type { RetentionTask } from './retention-loop';

/** Ages in days; 0 keeps a table's rows forever (no task for it). */
export interface RetentionSettings {
  runHistoryDays: number;
  runHistoryKeepLast: number;
  orderStatesDays: number;
  processedCommandsDays: number;
}

const DAY_MS = 86_400_000;
const ago = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * The tables retention prunes, each through its owner: run history through the JobStore port
 * (only the store adapter writes scheduler_* tables), order_states and processed_commands by
 * their domain code, in a unit of work of the store (in memory: one at a time with the others).
 */
export function retentionTasks(
  settings: RetentionSettings,
  store: JobStore,
  orders: OrderStates,
  commands: ProcessedCommands,
): RetentionTask[] {
  const tasks: RetentionTask[] = [];
  const { runHistoryDays, runHistoryKeepLast, orderStatesDays, processedCommandsDays } = settings;
  if (runHistoryDays > 0)
    tasks.push({
      table: 'scheduler_job_runs',
      pruneBatch: (now, limit) => store.pruneRunHistory(ago(now, runHistoryDays), runHistoryKeepLast, limit),
    });
  if (orderStatesDays > 0)
    tasks.push({
      table: 'order_states',
      pruneBatch: (now, limit) =>
        store.transaction((tx) => orders.prune(tx, ago(now, orderStatesDays), limit)),
    });
  if (processedCommandsDays > 0)
    tasks.push({
      table: 'processed_commands',
      pruneBatch: (now, limit) =>
        store.transaction((tx) => commands.prune(tx, ago(now, processedCommandsDays), limit)),
    });
  return tasks;
}
