/** A dependency refused the service at start-up; the message names the setting(s) to look at. */
export class StartupConnectionError extends Error {
  readonly code = 'STARTUP_CONNECTION_FAILED';

  constructor(
    /** The settings most likely wrong, e.g. ['KAFKA_SSL_CA_FILE']. */
    readonly settings: string[],
    message: string,
  ) {
    super(message);
    this.name = 'StartupConnectionError';
  }
}

/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
]);

export type TlsProblem = 'untrusted' | 'hostname' | 'client-certificate';

/**
 * What a failed TLS handshake says about the settings. By code when the driver kept Node's
 * (kafkajs), by message when it replaced it (mysql2's HANDSHAKE_SSL_ERROR).
 */
export function tlsProblem(error: { code?: string; message: string }): TlsProblem | undefined {
  const { code = '', message } = error;
  if (UNTRUSTED_CERTIFICATE.has(code)) return 'untrusted';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'hostname';
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA)/.test(code)) return 'client-certificate';
  if (
    /self[- ]signed certificate|unable to (verify|get (local )?issuer)|certificate has expired|not yet valid/i.test(
      message,
    )
  ) {
    return 'untrusted';
  }
  if (/Hostname\/IP does not match|altnames/i.test(message)) return 'hostname';
  if (/alert (bad certificate|certificate required|unknown ca)/i.test(message)) return 'client-certificate';
  return undefined;
}

/** Follows kafkajs/TypeORM wrappers (`cause`, `originalError`) down to the error that started it. */
export function rootCause(error: unknown): Error & { code?: string; errno?: number } {
  let current = error as (Error & { cause?: unknown; originalError?: unknown }) | undefined;
  for (let depth = 0; depth < 5 && current; depth++) {
    const inner = current.cause ?? current.originalError;
    if (!(inner instanceof Error)) break;
    current = inner as typeof current;
  }
  return (current ?? new Error(String(error))) as Error & { code?: string; errno?: number };
}
