/**
 * An expected failure of a command (download refused, model not in the cache, ...). The CLI
 * prints only its message, one line, and exits with `exitCode`: these are the user's
 * situation to fix, and a stack trace would bury the one line that says how.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** True for a {@link CliError}. */
export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}
