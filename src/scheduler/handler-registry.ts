import { UnknownHandlerError, ValidationError } from './errors';
import type { Executor } from './executor/executor';
import {
  resolveWorkerModule,
  runModuleHere,
  runWorkerModule,
  type WorkerModule,
} from './executor/worker-module';
import type { ActionHandler, HandlerOptions, RegisteredHandler } from './handlers';
import type { ActionSpec } from './job';

/**
 * The scheduler's named actions, each with the executor its runs go to (APScheduler's job
 * `executor` option, chosen here per handler), and their args checks.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, RegisteredHandler>();
  private readonly argValidators = new Map<string, NonNullable<HandlerOptions['validateArgs']>>();

  /** `executors` by name; `default` runs function handlers on the scheduler's thread. */
  constructor(private readonly executors: ReadonlyMap<string, Executor>) {}

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  register(name: string, handler: ActionHandler, options: HandlerOptions): void {
    if (typeof handler !== 'function') throw new ValidationError('handler', 'must be a function');
    const executor = this.executorFor(name, options);
    if (executor.modulesOnly)
      throw new ValidationError(
        'executor',
        `'${options.executor}' runs worker modules only (functions cannot cross threads): use registerWorkerHandler`,
      );
    this.add(name, { handler, executor }, options);
  }

  registerWorker(name: string, module: WorkerModule, options: HandlerOptions): void {
    const resolved = resolveWorkerModule(module);
    const executor = this.executorFor(name, options);
    const runner = executor.runModule ?? runModuleHere;
    this.add(name, { handler: (ctx) => runWorkerModule(resolved, ctx, runner), executor }, options);
  }

  /** A registered handler, and its args as its validator accepts them. */
  requireAction(action: ActionSpec, field: string): void {
    if (!this.handlers.has(action.handler)) throw new UnknownHandlerError(action.handler);
    const validate = this.argValidators.get(action.handler);
    if (!validate) return;
    try {
      validate(action.args);
    } catch (error) {
      if (error instanceof ValidationError)
        throw new ValidationError(`${field}.${error.field}`, error.reason);
      throw error;
    }
  }

  private executorFor(name: string, options: HandlerOptions): Executor {
    if (typeof name !== 'string' || name === '')
      throw new ValidationError('handler', 'must be a non-empty string');
    if (this.handlers.has(name)) throw new ValidationError('handler', `'${name}' is already registered`);
    const executorName = options.executor ?? 'default';
    const executor = this.executors.get(executorName);
    if (!executor) throw new ValidationError('executor', `no executor named '${executorName}'`);
    return executor;
  }

  private add(name: string, entry: RegisteredHandler, options: HandlerOptions): void {
    this.handlers.set(name, entry);
    if (options.validateArgs) this.argValidators.set(name, options.validateArgs);
  }
}
