import { inspect } from 'node:util';

import { registerSecretValues } from '../logging/secret-scrubber';

const HIDDEN = '[secret]';

/**
 * A password or private key read at start-up. Printing, logging or serializing it shows
 * `[secret]`; only the code that hands it to a driver calls `reveal()`. Its value is registered
 * with the scrubber as it is read, so no text the process outputs quotes it either (a key
 * passphrase, used once and dropped, included).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecretValues([value]);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
