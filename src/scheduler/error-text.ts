/**
 * Rewrites error text before it leaves the engine (run history, dead runs, the dead-letter
 * event), so a handler error quoting a credential does not store or publish it. The service
 * passes one that also hides its configured secrets; the default hides URL passwords only.
 */
export type ErrorTextScrubber = (text: string) => string;

/** The scheme is bounded so text like `a.a.a.a…` costs linear time, not quadratic. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^:/\s@"\\]*:)[^@\s/"\\]*@/gi;

/** Hides the password of any `scheme://user:password@host` in text (driver errors quote their URL). */
export function hideUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

/** How a run's error is recorded in history and dead runs: `Name: message`, scrubbed. */
export function describeError(error: unknown, scrub: ErrorTextScrubber = hideUrlCredentials): string {
  return scrub(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
