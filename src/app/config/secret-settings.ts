/**
 * Settings whose values must never appear in any output: configuration errors, logs, responses.
 * Declare one with @SecretSetting() on its property in a settings group (secrets read through
 * SourceReader are also wrapped in a Secret, which prints as [secret]); variables named like
 * secrets (passwords, keys, tokens, credentials, URLs that can carry a password) count as secret
 * even if a future setting forgets the decorator, so the safe default holds (settings-catalog.ts).
 */
const DECLARED = Symbol('config:secret');

type WithSecrets = { [DECLARED]?: Set<string> };

export function SecretSetting(): PropertyDecorator {
  return (target, property) => {
    const holder = target as WithSecrets;
    // Copy rather than mutate a parent class's set.
    holder[DECLARED] = new Set([...(holder[DECLARED] ?? []), String(property)]);
  };
}

/** The properties a settings group declares secret with @SecretSetting(). */
export function declaredSecrets(configClass: abstract new () => object): string[] {
  return [...((configClass.prototype as WithSecrets)[DECLARED] ?? [])];
}

const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEYS?$|(^|_)URL$)/;

export function looksSecret(name: string): boolean {
  return SECRET_LOOKING.test(name);
}
