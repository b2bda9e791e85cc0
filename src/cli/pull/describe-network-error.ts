/**
 * Turns the errors Node raises when a host cannot be reached into one line a user can act
 * on, instead of a stack trace from deep inside `net` or `dns`.
 */

/**
 * Codes meaning "no connection could be made": DNS failed (ENOTFOUND, EAI_AGAIN: no network
 * or no resolver), nothing listens (ECONNREFUSED), or there is no route (ENETUNREACH,
 * EHOSTUNREACH, ETIMEDOUT on connect). See Node's `errors` docs, "Common system errors".
 */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENETDOWN']);

/** The system error code of `e` (or of its cause, as undici wraps them), if any. */
export function errorCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** True when `e` means the host could not be reached at all (as opposed to a refused or cut transfer). */
export function isUnreachable(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && UNREACHABLE.has(code);
}

/**
 * `cannot reach huggingface.co: you appear to be offline (ENOTFOUND)` for an unreachable
 * host, else undefined. `host` is shown with its port when it has a non-default one.
 */
export function describeUnreachable(e: unknown, url: URL): string | undefined {
  if (!isUnreachable(e)) return undefined;
  return `cannot reach ${url.host}: you appear to be offline (${errorCode(e)})`;
}
