// The TLS MariaDB and SASL_SSL Kafka of scripts/infra/tls.sh, started on demand (idempotent).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.resolve(__dirname, '../../scripts/infra/tls.sh');

export interface TlsInfra {
  certs: string;
  mariadbPort: number;
  kafkaSaslSslPort: number;
  kafkaSslPort: number;
  kafkaPlainPort: number;
  /** A file in the certificate directory. */
  file(name: string): string;
  read(name: string): string;
}

/**
 * Runs `scripts/infra/tls.sh up` (fast when the servers are up; env as for the other scripts:
 * MARIADB_TLS_PORT, KAFKA_SASL_SSL_PORT, ... and DELAYED_ACTION_CACHE) and reads the ports it
 * prints. Throws with the script's output when it cannot start them: never skips.
 */
export async function startTlsInfra(): Promise<TlsInfra> {
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [SCRIPT, 'up'], { env: process.env, timeout: 300_000 }));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `the TLS test servers did not start (scripts/infra/tls.sh up): ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
  const env = Object.fromEntries(
    [...stdout.matchAll(/^export (TLS_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]] as const),
  );
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`scripts/infra/tls.sh up did not print ${name}:\n${stdout}`);
    return value;
  };
  const certs = need('TLS_CERTS_DIR');
  return {
    certs,
    mariadbPort: Number(need('TLS_MARIADB_PORT')),
    kafkaSaslSslPort: Number(need('TLS_KAFKA_SASL_SSL_PORT')),
    kafkaSslPort: Number(need('TLS_KAFKA_SSL_PORT')),
    kafkaPlainPort: Number(need('TLS_KAFKA_PLAIN_PORT')),
    file: (name) => path.join(certs, name),
    read: (name) => readFileSync(path.join(certs, name), 'utf8'),
  };
}
