import type { DataSource } from 'typeorm';

/** What run history and outbox say about exactly-once firing, straight from SQL. */
export interface FiringEvidence {
  runs: number;
  /** (job, scheduled time) pairs recorded more than once. */
  duplicateRuns: number;
  outboxRows: number;
  runsPerJob: Map<string, number>;
}

export async function firingEvidence(ds: DataSource): Promise<FiringEvidence> {
  const [{ runs }] = (await ds.query('SELECT COUNT(*) AS runs FROM scheduler_job_runs')) as {
    runs: string;
  }[];
  const [{ dups }] = (await ds.query(
    'SELECT COUNT(*) AS dups FROM (SELECT job_id, scheduled_at FROM scheduler_job_runs ' +
      'GROUP BY job_id, scheduled_at HAVING COUNT(*) > 1) d',
  )) as { dups: string }[];
  const [{ n }] = (await ds.query('SELECT COUNT(*) AS n FROM scheduler_outbox')) as { n: string }[];
  const perJob = (await ds.query('SELECT job_id, COUNT(*) AS n FROM scheduler_job_runs GROUP BY job_id')) as {
    job_id: string;
    n: string;
  }[];
  return {
    runs: Number(runs),
    duplicateRuns: Number(dups),
    outboxRows: Number(n),
    runsPerJob: new Map(perJob.map((r) => [r.job_id, Number(r.n)])),
  };
}
