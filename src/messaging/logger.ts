/** The little logging messaging needs; Nest's Logger fits it, tests pass a silent one. */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: MessagingLogger = { log() {}, warn() {}, error() {} };
