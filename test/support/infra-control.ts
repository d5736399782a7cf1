// Stop and start the locally managed servers (scripts/infra/*.sh) from a test, for resilience tests.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const INFRA_DIR = path.resolve(__dirname, '../../scripts/infra');

export type InfraService = 'mariadb' | 'kafka';

export async function infraScript(service: InfraService, command: 'up' | 'down' | 'status'): Promise<string> {
  try {
    const { stdout, stderr } = await run('bash', [path.join(INFRA_DIR, `${service}.sh`), command], {
      env: process.env,
      timeout: 300_000,
    });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `scripts/infra/${service}.sh ${command} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

/** Only the servers started by scripts/infra can be restarted by a test. */
export function assertLocallyManaged(
  service: InfraService,
  configured: string | undefined,
  defaultHost: string,
): void {
  if (configured && !configured.includes(defaultHost)) {
    throw new Error(
      `cannot restart ${service}: it is configured as ${configured}, not the local server from scripts/infra/${service}.sh`,
    );
  }
}
