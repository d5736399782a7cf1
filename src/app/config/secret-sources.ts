import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { Secret } from './secret';

/**
 * Start-up reads of secrets and certificate files. Every problem names the variable (and, for a
 * file, its path) but never a value read from a secret.
 */
export class SourceReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** NAME from the environment, or the contents of the file NAME_FILE names (one trailing newline dropped). */
  secret(name: string): Secret | undefined {
    const direct = this.env[name];
    const file = this.env[`${name}_FILE`];
    if (direct && file) {
      this.problems.push(`${name} and ${name}_FILE are both set: set one of them`);
      return undefined;
    }
    if (direct) return new Secret(direct);
    if (!file) return undefined;
    const text = this.file(`${name}_FILE`, file);
    if (text === undefined) return undefined;
    const value = text.replace(/\r?\n$/, '');
    if (value.length === 0) {
      this.problems.push(`${name}_FILE=${file}: the file is empty`);
      return undefined;
    }
    return new Secret(value);
  }

  /** The text of a file named by a setting, or a problem naming the setting and path. */
  file(name: string, path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      this.problems.push(`${name}=${path}: cannot read the file (${code})`);
      return undefined;
    }
  }

  /** PEM certificate(s) from a file: a CA bundle or a client certificate chain. */
  certificates(name: string, path: string | undefined): string | undefined {
    if (path === undefined) return undefined;
    const pem = this.file(name, path);
    if (pem === undefined) return undefined;
    try {
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
      new X509Certificate(pem);
      return pem;
    } catch {
      this.problems.push(`${name}=${path}: not a PEM certificate`);
      return undefined;
    }
  }

  /** A PEM private key, decrypted with its passphrase setting when it is encrypted. */
  privateKey(
    name: string,
    path: string | undefined,
    passphrase: { name: string; value: Secret | undefined },
  ): KeyObject | undefined {
    if (path === undefined) return undefined;
    const pem = this.file(name, path);
    if (pem === undefined) return undefined;
    const encrypted = pem.includes('ENCRYPTED');
    if (encrypted && !passphrase.value) {
      this.problems.push(
        `${name}=${path}: the key is encrypted; set ${passphrase.name} (or ${passphrase.name}_FILE)`,
      );
      return undefined;
    }
    try {
      return createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase.value?.reveal() });
    } catch {
      this.problems.push(
        encrypted
          ? `${name}=${path}: cannot decrypt the key with ${passphrase.name}`
          : `${name}=${path}: not a PEM private key`,
      );
      return undefined;
    }
  }
}
