import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';

import { ValidationError } from '../errors';
import type { EmitMessage, RunContext } from '../handlers';
import type { JsonValue } from '../job';

/**
 * A handler that is a file rather than a function (APScheduler's `'module:function'` job func), so
 * that an executor can run it in another thread: functions cannot cross threads, file names can.
 * The module (CommonJS, or an ES module without top-level await) exports a WorkerFunction under
 * `exportName` (default: `default`, or the module itself for `module.exports = fn`).
 */
export interface WorkerModule {
  /** Absolute path of the compiled .js/.cjs/.mjs file. */
  filename: string;
  exportName?: string;
}

/** What a worker function gets: plain data (structured-cloned into a worker thread). */
export interface WorkerRunInput {
  jobId: string;
  scheduledAt: Date;
  firedAt: Date;
  args: JsonValue | undefined;
}

/** An event to publish if the run succeeds: RunContext.emit's arguments, as data. */
export interface WorkerEvent extends EmitMessage {
  kind: string;
}

/** What a worker function may return (or nothing). */
export interface WorkerRunOutput {
  events?: WorkerEvent[];
}

export type WorkerFunction = (
  input: WorkerRunInput,
) => WorkerRunOutput | void | undefined | Promise<WorkerRunOutput | void | undefined>;

/** One call of a worker module, as an executor receives it. */
export interface ModuleCall {
  filename: string;
  exportName: string;
  input: WorkerRunInput;
}

/** Runs a worker module's function somewhere (this thread, a worker thread) and returns its result. */
export type ModuleRunner = (call: ModuleCall, signal: AbortSignal) => Promise<unknown>;

/** The module with its export name settled; checked once, when its handler is registered. */
export function resolveWorkerModule(module: WorkerModule, field = 'module'): Required<WorkerModule> {
  if (module === null || typeof module !== 'object') throw new ValidationError(field, 'must be an object');
  const { filename, exportName = 'default' } = module;
  if (typeof filename !== 'string' || !isAbsolute(filename))
    throw new ValidationError(`${field}.filename`, 'must be an absolute path');
  if (!existsSync(filename) || !statSync(filename).isFile())
    throw new ValidationError(`${field}.filename`, `no such file: ${filename}`);
  if (typeof exportName !== 'string' || exportName === '')
    throw new ValidationError(`${field}.exportName`, 'must be a non-empty string');
  return { filename, exportName };
}

// Node's own require, not a bundler's or test runner's: the same loading a worker thread does.
const nodeRequire = createRequire(__filename);

/** The function a module exports under `name` (piscina's lookup: the module itself for `default`). */
export function exportedFunction(module: unknown, name: string, filename: string): WorkerFunction {
  const record = module as Record<string, unknown> | undefined;
  const candidates = [record?.[name], (record?.default as Record<string, unknown> | undefined)?.[name]];
  if (name === 'default') candidates.push(module);
  const found = candidates.find((c) => typeof c === 'function');
  if (!found) throw new ValidationError('exportName', `${filename} exports no function '${name}'`);
  return found as WorkerFunction;
}

/** The default executor's runner: loads the module here (once, cached) and calls it on this thread. */
export const runModuleHere: ModuleRunner = async (call) => {
  const fn = exportedFunction(nodeRequire(call.filename), call.exportName, call.filename);
  return await fn(call.input);
};

/**
 * A worker module as an action handler: its input is the run's data, and the events it returns
 * are emitted through the run's context (so they commit with the run, as any handler's). Guards
 * need the store's transaction and stay with function handlers.
 */
export async function runWorkerModule(
  module: Required<WorkerModule>,
  context: RunContext,
  runner: ModuleRunner,
): Promise<void> {
  const input: WorkerRunInput = {
    jobId: context.jobId,
    scheduledAt: context.scheduledAt,
    firedAt: context.firedAt,
    args: context.args,
  };
  const output = await runner({ ...module, input }, context.signal);
  for (const event of eventsOf(output)) {
    const { kind, ...message } = event;
    context.emit(kind, message);
  }
}

function eventsOf(output: unknown): WorkerEvent[] {
  if (output === undefined || output === null) return [];
  if (typeof output !== 'object' || Array.isArray(output))
    throw new ValidationError('result', 'a worker function returns nothing or { events: [...] }');
  const { events } = output as WorkerRunOutput;
  if (events === undefined) return [];
  if (!Array.isArray(events)) throw new ValidationError('result.events', 'must be an array');
  events.forEach((event, i) => {
    if (event === null || typeof event !== 'object')
      throw new ValidationError(`result.events[${i}]`, 'must be an object');
  });
  return events;
}
