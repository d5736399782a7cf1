import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

import {
  type ActionHandler as Handler,
  type HandlerOptions,
  type JobDefinition,
  parseJobDefinition,
  Scheduler,
} from '../scheduler';
import {
  ACTION_HANDLER_METADATA,
  type ActionHandlerMetadata,
  SCHEDULED_JOBS_METADATA,
  type ScheduledJobMetadata,
} from './decorators';

/**
 * Finds @ActionHandler and @ScheduledJob methods on the app's providers (Nest's discovery service)
 * and registers their handlers with the scheduler; keeps the job definitions for the reconciler.
 */
@Injectable()
export class DecoratedJobsExplorer {
  private definitions_: JobDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly scheduler: Scheduler,
  ) {}

  /** The @ScheduledJob definitions found by `explore`. */
  get definitions(): JobDefinition[] {
    return this.definitions_;
  }

  /** @throws JobDefinitionError (naming the job and the field) for a bad @ScheduledJob. */
  explore(): void {
    const definitions: JobDefinition[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      // Request-scoped providers have no single instance to call.
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      const className = instance.constructor?.name ?? String(wrapper.name);
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const handler = Reflect.getMetadata(ACTION_HANDLER_METADATA, method) as
          | ActionHandlerMetadata
          | undefined;
        const jobs = Reflect.getMetadata(SCHEDULED_JOBS_METADATA, method) as
          | ScheduledJobMetadata[]
          | undefined;
        if (!handler && !jobs) continue;
        const handlerName = handler?.name ?? `${className}.${methodName}`;
        const run: Handler = (context) => (method as Handler).call(instance, context);
        this.scheduler.registerHandler(handlerName, run, this.handlerOptions(instance, handler, className));
        for (const job of jobs ?? []) {
          const origin = `@ScheduledJob on ${className}.${methodName}`;
          const { id, ...rest } = job.options;
          const raw = {
            ...rest,
            id: id ?? `${className}.${methodName}`,
            trigger: job.trigger,
            func: handlerName,
          };
          definitions.push(parseJobDefinition(raw, String(raw.id), origin));
        }
      }
    }
    this.definitions_ = definitions;
  }

  private handlerOptions(
    instance: Record<string, unknown>,
    handler: ActionHandlerMetadata | undefined,
    className: string,
  ): HandlerOptions {
    const validate = handler?.options.validateArgs;
    if (validate === undefined) return {};
    if (typeof validate === 'function') return { validateArgs: validate };
    const method = instance[validate];
    if (typeof method !== 'function')
      throw new TypeError(`@ActionHandler('${handler?.name}'): ${className}.${validate} is not a method`);
    return { validateArgs: (args) => (method as (a: unknown) => void).call(instance, args) };
  }
}
