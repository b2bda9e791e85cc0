/**
 * A mistake in how gemserve was invoked or configured: a bad flag, env var or config file
 * key. The CLI prints only the message (no stack trace: the user's input is at fault, not the
 * code) and exits with {@link CONFIG_ERROR_EXIT_CODE}.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Exit status for usage and configuration errors; 2 follows the BSD/GNU convention for "bad usage". */
export const CONFIG_ERROR_EXIT_CODE = 2;

/** True for a {@link ConfigError}. */
export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
