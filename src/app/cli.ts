import { readFileSync } from 'node:fs';
import { DEAD_LETTERS_USAGE, deadLettersCommand } from '../cli/dead-letters';
import { parsePreviewArgs, previewBatch, previewLines } from '../cli/triggers-preview';
import { describeError } from '../messaging/sleep';

/**
 * Command-line entry, deliberately thin and without booting NestJS:
 *   cli triggers preview --batch            (JSON lines on stdin, one result line each)
 *   cli triggers preview --json '{...}' | --type cron --hour 9 ... [--count N] [--now ISO]
 *   cli dead-letters list|replay ...        (reads .dlq topics, replays; needs Kafka and the database)
 */
/** A failure as the CLI prints it: its message, secrets hidden. */
const errorLine = (error: unknown): string => `error: ${describeError(error)}\n`;

const USAGE = `usage: cli triggers preview --batch < cases.jsonl
       cli triggers preview --json '{"type":"cron","hour":9}' [--count N] [--now ISO]
       cli triggers preview --type cron --hour 9 --timezone Europe/Paris [--count N] [--now ISO]
${DEAD_LETTERS_USAGE.replace('usage: ', '       ')}`;

function main(argv: string[]): number {
  const [group, command, ...rest] = argv;
  if (argv.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (group !== 'triggers' || command !== 'preview') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--batch')) {
    const lines = previewBatch(readFileSync(0, 'utf8'));
    process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
    return 0;
  }
  try {
    process.stdout.write(`${previewLines(parsePreviewArgs(rest)).join('\n')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(errorLine(error));
    return 1;
  }
}

const argv = process.argv.slice(2);
if (argv[0] === 'dead-letters' && !argv.includes('--help') && !argv.includes('-h')) {
  deadLettersCommand(argv.slice(1), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    () => (process.exitCode = 0),
    (error: unknown) => {
      process.stderr.write(errorLine(error));
      process.exitCode = (error as { code?: unknown }).code === 'CLI_USAGE' ? 2 : 1;
    },
  );
} else {
  process.exitCode = main(argv);
}
