import { readFileSync } from 'node:fs';

import { load as loadYaml } from 'js-yaml';

import { assertUniqueIds, type JobDefinition, JobDefinitionError, parseJobDefinition } from '../scheduler';

export interface JobsFile {
  version: number;
  definitions: JobDefinition[];
}

/** A jobs file larger than this is refused before it is parsed. */
export const MAX_JOBS_FILE_BYTES = 1_048_576;

/**
 * Reads SCHEDULER_JOBS_FILE: JSON or YAML (YAML is a superset, so one parser reads both), either a
 * list of jobs (Flask-APScheduler's JOBS) or `{ version?, jobs: [...] }`. Each job as
 * parseJobDefinition reads it (APScheduler's names, trigger parameters beside the trigger).
 * @throws JobDefinitionError naming the file, the job and the field.
 */
export function readJobsFile(path: string): JobsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new JobDefinitionError('*', 'file', `cannot be read: ${(error as Error).message}`, path);
  }
  return parseJobsFile(text, path);
}

export function parseJobsFile(text: string, origin: string): JobsFile {
  if (Buffer.byteLength(text) > MAX_JOBS_FILE_BYTES)
    throw new JobDefinitionError('*', 'file', `is larger than ${MAX_JOBS_FILE_BYTES} bytes`, origin);
  let document: unknown;
  try {
    document = loadYaml(text, { json: true });
  } catch (error) {
    throw new JobDefinitionError('*', 'file', `is not JSON or YAML: ${(error as Error).message}`, origin);
  }
  let version: unknown = 0;
  let jobs: unknown = document ?? [];
  if (!Array.isArray(jobs)) {
    if (typeof jobs !== 'object')
      throw new JobDefinitionError('*', 'file', 'must be a list of jobs or { version, jobs }', origin);
    const { version: v, jobs: list, ...rest } = jobs as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw new JobDefinitionError('*', extra, 'is not a key of a jobs file (version, jobs)', origin);
    version = v ?? 0;
    jobs = list ?? [];
  }
  if (!Number.isSafeInteger(version) || (version as number) < 0)
    throw new JobDefinitionError('*', 'version', 'must be an integer >= 0', origin);
  if (!Array.isArray(jobs)) throw new JobDefinitionError('*', 'jobs', 'must be a list', origin);
  const definitions = jobs.map((raw, i) => parseJobDefinition(raw, `jobs[${i}]`, origin));
  assertUniqueIds(definitions, origin);
  return { version: version as number, definitions };
}
