import type { AppConfig } from './app-config';
import { Secret } from './secret';
import { settingCatalog } from './settings-catalog';

/**
 * The values of every secret setting (settings-catalog.ts) and of the passwords and private keys
 * read beside them (security.ts), as error text might quote them. What the scrubber hides.
 */
export function configuredSecretValues(config: AppConfig): string[] {
  const values: string[] = [];
  for (const { group, property, secret } of settingCatalog()) {
    if (!secret) continue;
    const value: unknown = (config[group] as unknown as Record<string, unknown>)[property];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') values.push(...secretPartsOf(item));
      else if (item instanceof Secret) values.push(item.reveal());
    }
  }
  const { database, kafka } = config;
  const read = [
    database.security.password,
    database.security.ssl?.key,
    kafka.security.sasl?.password,
    kafka.security.ssl?.key,
  ];
  for (const secret of read) if (secret) values.push(secret.reveal());
  return values;
}

const URL_WITH_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A URL's secret is its password, as written and decoded; host and database stay visible, for
 * diagnosis. A password equal to the user name is left alone: the user name is shown anyway
 * (drivers name it in errors), and hiding it would blank that name out of every message.
 */
function secretPartsOf(value: string): string[] {
  if (!URL_WITH_SCHEME.test(value)) return [value];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [value];
  }
  if (url.password === '' || url.password === url.username) return [];
  try {
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    return [url.password];
  }
}
