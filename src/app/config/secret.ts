import { inspect } from 'node:util';

const HIDDEN = '[secret]';

/**
 * A password or private key read at start-up. Printing, logging or serializing it shows
 * `[secret]`; only the code that hands it to a driver calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
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
