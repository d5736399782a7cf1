import { settingCatalog } from '../config/settings-catalog';

/**
 * Every secret setting wherever a log line may carry it: by its variable name at top level, as
 * `config.<group>.<property>` in a config dump, and as `<group>.<property>` when a group is logged.
 */
function secretSettingPaths(): string[] {
  return settingCatalog()
    .filter((entry) => entry.secret)
    .flatMap(({ name, group, property }) => [name, `config.${group}.${property}`, `${group}.${property}`]);
}

/** Paths pino censors wherever they appear in a log line (request headers, config dumps). */
export const REDACT_PATHS = [
  ...secretSettingPaths(),
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers["x-api-key"]',
  'headers.authorization',
  'apiKey',
  'password',
];

/** Query parameters whose names suggest a credential (api_key, x-api-key, token, signature…). */
const SECRET_PARAM = /(key|token|secret|passw|pwd|auth|sig|credential|session|cookie)/i;

/**
 * The request URL for a log line with the value of every credential-looking query parameter
 * replaced, so a key sent in a query string (by mistake or by a scanner) never reaches the logs.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // an undecodable name is judged as sent
      }
      return eq >= 0 && SECRET_PARAM.test(name) ? `${rawName}=[REDACTED]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
