/**
 * Errors a user can act on: bad input, bad credentials, unknown references.
 * The CLI prints them as one line and exits with `exitCode`; anything else is
 * an internal error (exit 3).
 */
export class PlimsollError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'PlimsollError';
  }
}

/** Input that cannot be read as what it claims to be (corrupt, truncated, hostile). */
export class InputError extends PlimsollError {}

/** A digest that does not match the bytes it names. */
export class DigestMismatchError extends InputError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    what: string,
  ) {
    super(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
