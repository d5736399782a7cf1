import { insertNewJobs } from '../persistence/job-write-sql';
import { BY_ID, execute, selectRows, type Sql } from '../persistence/sql-session';
import { toSqlTime } from '../persistence/sql-time';
import { CommandInsertRaceError } from './errors';
import {
  publishJob,
  type CancelCommand,
  type CancelOutcome,
  type ScheduleCommand,
  type ScheduleOutcome,
} from './command-model';

async function appliedEventIds(sql: Sql, eventIds: string[]): Promise<Set<string>> {
  const rows = await selectRows<{ event_id: string }>(
    sql,
    `SELECT event_id FROM processed_commands ${BY_ID} WHERE event_id IN (?) FOR UPDATE`,
    [eventIds],
  );
  return new Set(rows.map((row) => row.event_id));
}

/** Plain INSERT: a concurrent writer's row fails it (duplicate key) and the caller retries. */
async function recordApplied(
  sql: Sql,
  rows: { eventId: string; type: string; jobId: string }[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const at = toSqlTime(now);
  await execute(sql, 'INSERT INTO processed_commands (event_id, type, job_id, processed_at) VALUES ?', [
    rows.map((r) => [r.eventId, r.type, r.jobId, at]),
  ]);
}

/** Inside one transaction: record the new commands' eventIds and insert their jobs (ids not taken). */
export async function insertScheduleCommands(
  sql: Sql,
  commands: ScheduleCommand[],
  now: Date,
): Promise<ScheduleOutcome[]> {
  const applied = await appliedEventIds(
    sql,
    commands.map((c) => c.eventId),
  );
  const outcomes: ScheduleOutcome[] = [];
  const fresh: ScheduleCommand[] = [];
  const firstOfJob = new Set<string>();
  const recorded: ScheduleCommand[] = [];
  for (const command of commands) {
    if (applied.has(command.eventId)) {
      outcomes.push('duplicate');
      continue;
    }
    applied.add(command.eventId);
    recorded.push(command);
    if (firstOfJob.has(command.jobId)) {
      outcomes.push('exists');
      continue;
    }
    firstOfJob.add(command.jobId);
    fresh.push(command);
    outcomes.push('scheduled');
  }
  await recordApplied(
    sql,
    recorded.map((c) => ({ eventId: c.eventId, type: 'schedule', jobId: c.jobId })),
    now,
  );
  if (fresh.length === 0) return outcomes;
  const inserted = await insertNewJobs(sql, fresh.map(publishJob), now);
  if (inserted === null) throw new CommandInsertRaceError();
  const taken = new Set(inserted.duplicates);
  return outcomes.map((outcome, i) =>
    outcome === 'scheduled' && taken.has(commands[i].jobId) ? 'exists' : outcome,
  );
}

/**
 * Inside one transaction: remove the job unless a replica is firing it (lease held: `busy`, nothing
 * written; the run's completion commits its publish, and the retried cancel then finds no job).
 */
export async function applyCancelCommand(
  sql: Sql,
  command: CancelCommand,
  now: Date,
): Promise<CancelOutcome> {
  if ((await appliedEventIds(sql, [command.eventId])).size > 0) return 'duplicate';
  const [job] = await selectRows<{ lease_owner: string | null }>(
    sql,
    'SELECT lease_owner FROM scheduler_jobs WHERE id = ? FOR UPDATE',
    [command.jobId],
  );
  if (job && job.lease_owner !== null) return 'busy';
  await recordApplied(sql, [{ eventId: command.eventId, type: 'cancel', jobId: command.jobId }], now);
  if (!job) return 'missing';
  await execute(sql, 'DELETE FROM scheduler_jobs WHERE id = ? AND lease_owner IS NULL', [command.jobId]);
  return 'removed';
}
