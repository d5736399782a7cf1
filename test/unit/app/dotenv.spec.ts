import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadDotEnv } from '../../../src/app/config/dotenv';

describe('.env loading', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dotenv-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds what the file sets and never overrides the real environment', () => {
    writeFileSync(
      path.join(dir, '.env'),
      '# local settings\nPORT=4000\nLOG_LEVEL=debug\nDATABASE_URL="mysql://u:p@h:3306/db"\nEMPTY=\n',
    );
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    expect(loadDotEnv(dir, env).sort()).toEqual(['DATABASE_URL', 'EMPTY', 'PORT']);
    expect(env).toEqual({
      LOG_LEVEL: 'warn',
      PORT: '4000',
      DATABASE_URL: 'mysql://u:p@h:3306/db',
      EMPTY: '',
    });
  });

  it('does nothing without a .env file', () => {
    const env: NodeJS.ProcessEnv = { PORT: '1' };
    expect(loadDotEnv(dir, env)).toEqual([]);
    expect(env).toEqual({ PORT: '1' });
  });
});
