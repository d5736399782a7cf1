import type { Job } from '../scheduler/job';
import { JOB_INSERT_COLUMNS, jobInsertValues } from './job-row';
import { execute, selectRows, type Sql } from './sql-session';

/** Rows per multi-row INSERT in addJobs: one statement and one commit per chunk. */
export const ADD_JOBS_CHUNK = 1000;

export async function insertJob(sql: Sql, job: Job, now: Date): Promise<void> {
  await execute(sql, `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} VALUES ?`, [
    [jobInsertValues(job, now)],
  ]);
}

/**
 * Inside a transaction: insert the jobs whose ids are not taken, as one multi-row INSERT.
 * Returns null when a concurrent writer took an id between our check and our insert (the
 * affected-row count tells): the caller rolls back and tries the chunk again.
 */
export async function insertNewJobs(
  sql: Sql,
  jobs: Job[],
  now: Date,
): Promise<{ added: string[]; duplicates: string[] } | null> {
  const existing = new Set(
    (
      await selectRows<{ id: string }>(sql, 'SELECT id FROM scheduler_jobs WHERE id IN (?)', [
        jobs.map((j) => j.id),
      ])
    ).map((row) => row.id),
  );
  const fresh = jobs.filter((job) => !existing.has(job.id));
  if (fresh.length > 0) {
    // ON DUPLICATE KEY keeps a racing insert from failing the statement; a no-op update counts 0 rows.
    const inserted = await execute(
      sql,
      `INSERT INTO scheduler_jobs ${JOB_INSERT_COLUMNS} VALUES ? ON DUPLICATE KEY UPDATE id = id`,
      [fresh.map((job) => jobInsertValues(job, now))],
    );
    if (inserted !== fresh.length) return null;
  }
  return {
    added: fresh.map((j) => j.id),
    duplicates: jobs.filter((j) => existing.has(j.id)).map((j) => j.id),
  };
}
