import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Loads `.env` from `dir` into `env` when the file exists, for local runs. Variables already set
 * win over the file's (the deployment's environment is the truth); an absent file is not an error.
 * Returns the names it set.
 */
export function loadDotEnv(dir = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  const file = path.join(dir, '.env');
  if (!existsSync(file)) return [];
  const set: string[] = [];
  // Node's own parser (the one behind --env-file), so quoting and comments behave as documented there.
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
