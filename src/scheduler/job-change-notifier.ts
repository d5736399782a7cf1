import type { SchedulerEventMap, TypedEmitter } from './events';
import type { Job } from './job';
import type { RunDispatcher } from './run-dispatcher';
import type { SchedulerLoop } from './scheduler-loop';
import type { UnitOfWorkChanges } from './scheduler-transaction';

/**
 * What follows a stored job change, in one place for every entry point: the dispatcher forgets
 * what it held of the job, listeners hear of it, and the loop wakes for the new run time.
 */
export class JobChangeNotifier {
  constructor(
    private readonly emitter: TypedEmitter<SchedulerEventMap>,
    private readonly dispatcher: RunDispatcher,
    private readonly loop: SchedulerLoop,
  ) {}

  added(job: Job): void {
    this.emitter.emit('job.added', { jobId: job.id, job, replaced: false });
    this.loop.wakeFor(job.nextRunTime);
  }

  /** A stored job replaced ('job.added' with replaced: true) or modified. */
  changed(job: Job, event: 'job.added' | 'job.modified'): Job {
    this.dispatcher.noteChanged(job.id);
    if (event === 'job.added') this.emitter.emit('job.added', { jobId: job.id, job, replaced: true });
    else this.emitter.emit('job.modified', { jobId: job.id, job });
    this.loop.wakeFor(job.nextRunTime);
    return job;
  }

  removed(id: string): void {
    this.dispatcher.noteChanged(id);
    this.emitter.emit('job.removed', { jobId: id });
  }

  /** After a unit of work commits (never before: a rolled-back one changed nothing). */
  unitOfWork(changes: UnitOfWorkChanges): void {
    for (const job of changes.added) this.added(job);
    for (const job of changes.replaced) this.changed(job, 'job.added');
    for (const id of changes.removed) this.removed(id);
    this.emitter.emit('transaction.committed', {
      added: changes.added.map((j) => j.id),
      replaced: changes.replaced.map((j) => j.id),
      removed: changes.removed,
      events: changes.events,
    });
  }
}
