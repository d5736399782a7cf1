import { UnknownHandlerError, ValidationError } from '../errors';
import { DEFAULT_JOB_OPTIONS, type Job } from '../job';
import { withRegularNext } from '../job-builder';
import type { DefinitionHashes, JobSourceRecord } from '../ports/job-store';
import type { Scheduler } from '../scheduler';
import type { SchedulerTransaction } from '../scheduler-transaction';
import { JobDefinitionError, JobOwnershipError } from './errors';
import { assertUniqueIds, definitionHashes, definitionSetHash, type JobDefinition } from './job-definition';

export interface ReconcileRequest {
  /** Which definitions these are: `code` (decorators), `file` (SCHEDULER_JOBS_FILE), … */
  source: string;
  /**
   * The definition set's version (default 0). A set older than the one stored is not applied: a
   * replica of the previous deploy starting (or restarting) late never reverts a newer one.
   */
  version?: number;
  definitions: JobDefinition[];
  /** Recorded with the source (the replica id). */
  appliedBy?: string;
}

export interface ReconcileReport {
  source: string;
  /**
   * applied: the store now holds this set; unchanged: it already did (nothing written);
   * superseded: the store holds a newer version, left as it is.
   */
  outcome: 'applied' | 'unchanged' | 'superseded';
  version: number;
  /** The version stored before (null: the source was new). */
  storedVersion: number | null;
  added: string[];
  /** Definitions whose trigger changed: next run time recomputed from now. */
  rescheduled: string[];
  /** Definitions whose options, action or name changed: next run time kept. */
  modified: string[];
  /** Jobs the source owned that are no longer defined. */
  removed: string[];
}

/**
 * Checks each definition's action against the scheduler's handlers (registered, args valid), so a
 * start fails naming the job and the field before anything is written.
 * @throws JobDefinitionError
 */
export function checkDefinitionActions(
  scheduler: Scheduler,
  definitions: JobDefinition[],
  origin?: string,
): void {
  for (const d of definitions) {
    try {
      scheduler.checkAction(d.action);
    } catch (error) {
      if (error instanceof UnknownHandlerError)
        throw new JobDefinitionError(
          d.id,
          'func',
          `no action handler is registered as '${d.action.handler}'`,
          origin,
        );
      if (error instanceof ValidationError)
        throw new JobDefinitionError(d.id, error.field.replace(/^action\./, ''), error.reason, origin);
      throw error;
    }
  }
}

const SOURCE_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Brings the store in line with a set of job definitions, in one unit of work under the source's
 * lock. The rules (docs/library.md, "Defined jobs"):
 * - a job is owned by the source that added it (recorded with the source, durably); jobs made
 *   over REST or Kafka are never touched, and a definition whose id such a job holds fails;
 * - new definition → job added (first run from its trigger);
 * - trigger changed → trigger replaced, next run time recomputed from now (a pause kept);
 * - options, action or name changed → those replaced, next run time and trigger anchor kept;
 * - unchanged definition → nothing written, so restarts and redeploys keep the next run time
 *   (a one-shot job that ended, or a job an admin removed, stays gone until its definition changes);
 * - owned job no longer defined → removed;
 * - version: a set older than the stored one is not applied (superseded); equal or newer is.
 * Replicas starting together queue on the source's lock: the first applies, the others with the
 * same set find it unchanged, so nothing flaps or doubles.
 */
export async function reconcileJobs(
  scheduler: Scheduler,
  request: ReconcileRequest,
): Promise<ReconcileReport> {
  const { source, definitions } = request;
  const version = request.version ?? 0;
  if (typeof source !== 'string' || !SOURCE_PATTERN.test(source))
    throw new ValidationError('source', 'must be 1-100 characters of A-Z a-z 0-9 . _ : -');
  if (!Number.isSafeInteger(version) || version < 0)
    throw new ValidationError('version', 'must be an integer >= 0');
  assertUniqueIds(definitions, source);
  checkDefinitionActions(scheduler, definitions, source);
  const hashes: Record<string, DefinitionHashes> = {};
  for (const d of definitions) hashes[d.id] = definitionHashes(d);
  const setHash = definitionSetHash(hashes);
  return scheduler.transaction(async (tx) => {
    const record = await tx.store.lockJobSource(source);
    const report: ReconcileReport = {
      source,
      outcome: 'unchanged',
      version,
      storedVersion: record.version,
      added: [],
      rescheduled: [],
      modified: [],
      removed: [],
    };
    if (record.version !== null && version < record.version) return { ...report, outcome: 'superseded' };
    if (record.hash === setHash && record.version === version) return report;
    await apply(tx, record, definitions, hashes, report);
    await tx.store.saveJobSource({
      source,
      version,
      hash: setHash,
      jobs: hashes,
      updatedAt: new Date(),
      updatedBy: request.appliedBy ?? null,
    });
    return { ...report, outcome: 'applied' };
  });
}

async function apply(
  tx: SchedulerTransaction,
  record: JobSourceRecord,
  definitions: JobDefinition[],
  hashes: Record<string, DefinitionHashes>,
  report: ReconcileReport,
): Promise<void> {
  const owned = record.jobs;
  const ids = [...new Set([...definitions.map((d) => d.id), ...Object.keys(owned)])];
  const existing = new Map((await tx.getJobs(ids)).map((job) => [job.id, job]));
  const toAdd: JobDefinition[] = [];
  const toUpdate: Job[] = [];
  for (const d of definitions) {
    const before = Object.hasOwn(owned, d.id) ? owned[d.id] : undefined;
    const now = hashes[d.id];
    const current = existing.get(d.id);
    if (before === undefined) {
      if (current) throw new JobOwnershipError(d.id, record.source);
      toAdd.push(d);
    } else if (before.trigger === now.trigger && before.job === now.job) {
      continue;
    } else if (!current) {
      toAdd.push(d);
    } else if (before.trigger !== now.trigger) {
      const job = rescheduled(tx, current, d);
      if (job) {
        toUpdate.push(job);
        report.rescheduled.push(d.id);
      } else {
        await tx.removeJob(d.id);
        report.removed.push(d.id);
      }
    } else {
      toUpdate.push(modified(current, d));
      report.modified.push(d.id);
    }
  }
  for (const id of Object.keys(owned)) {
    if (Object.hasOwn(hashes, id) || !existing.has(id)) continue;
    await tx.removeJob(id);
    report.removed.push(id);
  }
  if (toUpdate.length > 0) await tx.updateJobs(toUpdate);
  if (toAdd.length > 0) {
    const { added, duplicates } = await tx.addJobs(toAdd.map((d) => ({ ...d })));
    // Taken since our read by a writer outside this source (a REST add): not ours to replace.
    if (duplicates.length > 0) throw new JobOwnershipError(duplicates[0], record.source);
    report.added.push(...added.map((job) => job.id));
  }
}

/** The job with the definition's new trigger, next run from now; null when it never fires again. */
function rescheduled(tx: SchedulerTransaction, current: Job, d: JobDefinition): Job | null {
  let built: Job;
  try {
    built = tx.build({ ...d, paused: current.paused });
  } catch (error) {
    // A one-shot date now in the past, an end date passed: the job is over.
    if (error instanceof ValidationError && error.reason === 'the trigger never fires') return null;
    throw error;
  }
  const next = current.paused ? null : built.nextRunTime;
  return withRegularNext(
    { ...current, ...built, paused: current.paused, retryState: current.retryState },
    next,
  );
}

/** The job with the definition's options, action and name; its trigger (and anchor) and next run kept. */
function modified(current: Job, d: JobDefinition): Job {
  return {
    ...current,
    name: d.name ?? d.action.handler,
    action: d.action,
    misfireGraceTime:
      d.misfireGraceTime === undefined ? DEFAULT_JOB_OPTIONS.misfireGraceTime : d.misfireGraceTime,
    coalesce: d.coalesce ?? DEFAULT_JOB_OPTIONS.coalesce,
    maxInstances: d.maxInstances ?? DEFAULT_JOB_OPTIONS.maxInstances,
    retry: d.retry ?? null,
  };
}
