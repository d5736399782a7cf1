import { ConsoleLogger, type LogLevel } from '@nestjs/common';

import { scrubDeep, scrubSecrets } from './secret-scrubber';

/**
 * Nest's console logger, for the lines written before pino takes over (start-up checks, a module
 * failing to build) and by the CLI: each message and stack trace with its secrets hidden before
 * it is formatted (objects are inspected, which would escape a secret past a text search).
 */
export class ScrubbingConsoleLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(
      messages.map((message) => scrubDeep(message)),
      context === undefined ? context : scrubSecrets(context),
      logLevel,
      writeStreamType,
      scrubDeep(errorStack),
    );
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack ? scrubSecrets(stack) : stack);
  }
}
