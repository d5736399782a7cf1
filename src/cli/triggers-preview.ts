import { SchedulerError } from '../scheduler/errors';
import {
  previewFireTimes,
  triggerFromJSON,
  triggerSpecFromApscheduler,
  type ApschedulerTriggerCase,
  type PreviewFire,
  type TriggerSpec,
} from '../scheduler/triggers';

/**
 * `triggers preview`: the logic behind src/app/cli.ts, kept free of process I/O so tests call it.
 * Batch mode reads the oracle file's line format; single mode takes one trigger as JSON or flags.
 */

const BATCH_FIRES = 8;

function message(error: unknown): string {
  if (error instanceof SchedulerError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** One batch line in (oracle format: trigger, params, timezone, now, id), one line out. */
function previewBatchLine(line: string): string {
  let id: unknown = null;
  try {
    const input = JSON.parse(line) as ApschedulerTriggerCase & { id?: unknown; now?: string | null };
    id = input?.id ?? null;
    const trigger = triggerFromJSON(triggerSpecFromApscheduler(input));
    const now = input.now == null ? new Date(0) : new Date(input.now);
    if (Number.isNaN(now.getTime())) throw new Error(`now: '${String(input.now)}' is not a date`);
    const fires = previewFireTimes(trigger, now, BATCH_FIRES).map((f) => f.utc);
    return JSON.stringify({ id, fires });
  } catch (error) {
    return JSON.stringify({ id, error: message(error) });
  }
}

/** Every non-blank line of `input`, previewed; never throws. */
export function previewBatch(input: string): string[] {
  return input
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(previewBatchLine);
}

export interface PreviewOptions {
  spec: TriggerSpec;
  now: Date;
  count: number;
}

const NUMERIC_FLAGS = new Set(['weeks', 'days', 'hours', 'minutes', 'seconds', 'years', 'months', 'jitter']);
const INTEGER_TIME_FLAGS = new Set(['hour', 'minute', 'second']);

/**
 * Reads `--json '{...}'` (camelCase spec, or APScheduler style with `trigger` + snake_case `params`)
 * or flags (`--type cron --hour 9 --day-of-week mon-fri --timezone Europe/Paris`), plus
 * `--count N` and `--now ISO`.
 */
export function parsePreviewArgs(args: string[]): PreviewOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(
      name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
      value,
    );
  }
  const count = Number(flags.get('count') ?? 10);
  if (!Number.isInteger(count) || count < 1 || count > 1000)
    throw new Error('--count must be an integer from 1 to 1000');
  const now = flags.has('now') ? new Date(flags.get('now') as string) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`--now: '${flags.get('now')}' is not a date`);
  flags.delete('count');
  flags.delete('now');
  let spec: TriggerSpec;
  if (flags.has('json')) {
    const parsed = JSON.parse(flags.get('json') as string) as Record<string, unknown>;
    spec =
      typeof parsed.trigger === 'string'
        ? triggerSpecFromApscheduler(parsed as unknown as ApschedulerTriggerCase)
        : (parsed as unknown as TriggerSpec);
  } else {
    const fields: Record<string, unknown> = {};
    for (const [name, value] of flags) {
      const numeric =
        NUMERIC_FLAGS.has(name) || (INTEGER_TIME_FLAGS.has(name) && flags.get('type') === 'calendarinterval');
      fields[name] = numeric ? Number(value) : value;
    }
    spec = fields as unknown as TriggerSpec;
  }
  return { spec, now, count };
}

/** The single-trigger preview as printable lines: `UTC  local  (offset)`. */
export function previewLines(options: PreviewOptions): string[] {
  const fires: PreviewFire[] = previewFireTimes(triggerFromJSON(options.spec), options.now, options.count);
  if (fires.length === 0) return ['(the trigger never fires after that time)'];
  return fires.map((f) => `${f.utc}  ${f.local}  (UTC${f.offset})`);
}
