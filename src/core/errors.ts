/**
 * Base of every error the core raises on purpose. `code` is stable and machine-readable (the CLI
 * prints it as `error.code`); `message` says what happened and what to do, for a person.
 * `usage` marks bad input / bad usage (CLI exit code 2) as opposed to an operation that failed (1).
 */
export class SdlcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { usage?: boolean; cause?: unknown; hint?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SdlcError';
  }
  get usage(): boolean {
    return this.options.usage === true;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
