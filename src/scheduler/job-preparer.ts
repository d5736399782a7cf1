import { ValidationError } from './errors';
import type { HandlerRegistry } from './handler-registry';
import type { ActionSpec, AddJobInput, Job } from './job';
import { buildJob, parseTrigger, validateJobFields } from './job-builder';
import type { ResolvedSchedulerOptions } from './scheduler-options';
import type { Trigger } from './triggers';
import { anchorIntervals } from './interval-anchor';
import { camelJobOptions, inGivenNames } from './validation/job-option-names';

/**
 * Turns caller input into a valid Job before anything is stored, so that every entry point
 * (addJob, addJobs, a unit of work) refuses the same input with the same field names.
 */
export class JobPreparer {
  constructor(
    private readonly o: Pick<ResolvedSchedulerOptions, 'clock' | 'random' | 'maxActionBytes'>,
    private readonly handlers: HandlerRegistry,
  ) {}

  /** Validates and builds a job; options may be in APScheduler's names, and errors name them so. */
  prepare(given: AddJobInput, prefix: string): Job {
    if (given === null || typeof given !== 'object')
      throw new ValidationError(prefix || 'job', 'must be an object');
    const input = camelJobOptions(given, prefix);
    try {
      validateJobFields(input, prefix, this.o.maxActionBytes);
    } catch (error) {
      throw inGivenNames(error, given, prefix);
    }
    if (input.action === undefined) throw new ValidationError(`${prefix}action`, 'is required');
    this.requireAction(input.action, `${prefix}action`);
    const parsed = parseTrigger(input.trigger, this.o.random, `${prefix}trigger`);
    const trigger = this.anchored(parsed, input.nextRunTime);
    return buildJob(input, trigger, this.o.clock.now(), prefix);
  }

  /** The trigger with its interval grids anchored now (DESIGN section 4). */
  anchored(trigger: Trigger, firstRun?: Date | null): Trigger {
    const spec = trigger.toJSON();
    const anchored = anchorIntervals(spec, this.o.clock.now(), firstRun);
    return anchored === spec ? trigger : parseTrigger(anchored, this.o.random);
  }

  /** A registered handler for the action, and args it accepts. @throws ValidationError, UnknownHandlerError */
  requireAction(action: ActionSpec, field: string): void {
    this.handlers.requireAction(action, field);
  }
}
