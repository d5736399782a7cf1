import type { DefinitionHashes, JobSourceRecord } from '../scheduler/ports/job-store';
import type { Job } from '../scheduler/job';
import { JOB_COLUMNS, type JobRow, rowToJob } from './job-row';
import { BY_ID, execute, selectRows, type Sql } from './sql-session';
import { fromSqlTime, toSqlTimeOrNull } from './sql-time';

interface SourceRow {
  source: string;
  version: string | number | null;
  definitions_hash: string | null;
  jobs: unknown;
  updated_at: Date | string | null;
  updated_by: string | null;
}

/** Inside a transaction: the jobs with these ids, locked until it ends. */
export async function selectJobsForUpdate(sql: Sql, ids: string[]): Promise<Job[]> {
  if (ids.length === 0) return [];
  const rows = await selectRows<JobRow>(
    sql,
    `SELECT ${JOB_COLUMNS} FROM scheduler_jobs ${BY_ID} WHERE id IN (?) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows.map(rowToJob);
}

/**
 * Inside a transaction: the source's row, locked. The upsert takes the row lock whether or not
 * the row existed, so reconcilers of one source starting together run one after another (a
 * SELECT … FOR UPDATE alone finds no row to lock while none exists, and both would go ahead).
 */
export async function lockJobSourceRow(sql: Sql, source: string): Promise<JobSourceRecord> {
  await execute(
    sql,
    `INSERT INTO scheduler_job_sources (source, version, definitions_hash, jobs, updated_at, updated_by)
     VALUES (?, NULL, NULL, '{}', NULL, NULL) ON DUPLICATE KEY UPDATE source = source`,
    [source],
  );
  const [row] = await selectRows<SourceRow>(
    sql,
    'SELECT source, version, definitions_hash, jobs, updated_at, updated_by FROM scheduler_job_sources WHERE source = ? FOR UPDATE',
    [source],
  );
  return {
    source: row.source,
    version: row.version === null ? null : Number(row.version),
    hash: row.definitions_hash,
    jobs: (typeof row.jobs === 'string' ? JSON.parse(row.jobs) : row.jobs) as Record<
      string,
      DefinitionHashes
    >,
    updatedAt: fromSqlTime(row.updated_at),
    updatedBy: row.updated_by,
  };
}

export async function saveJobSourceRow(sql: Sql, record: JobSourceRecord): Promise<void> {
  await execute(
    sql,
    `UPDATE scheduler_job_sources SET version = ?, definitions_hash = ?, jobs = ?, updated_at = ?, updated_by = ?
      WHERE source = ?`,
    [
      record.version,
      record.hash,
      JSON.stringify(record.jobs),
      toSqlTimeOrNull(record.updatedAt),
      record.updatedBy,
      record.source,
    ],
  );
}
