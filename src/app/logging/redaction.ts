/** Paths pino censors wherever they appear in a log line (request headers, config dumps). */
export const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers["x-api-key"]',
  'headers.authorization',
  'config.DATABASE_URL',
  'config.ADMIN_API_KEYS',
  'DATABASE_URL',
  'ADMIN_API_KEYS',
  'apiKey',
  'password',
];

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]*@/gi;

/** Hides the password of any `scheme://user:password@host` in text (driver errors quote DATABASE_URL). */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}
