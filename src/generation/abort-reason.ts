import { Errors, isGemserveError, type GemserveError } from '../core/errors.js';

/**
 * Why a call's signal fired, as the error the call fails with (the transport's reason: a client
 * gone is CANCELLED, a deadline DEADLINE_EXCEEDED), or undefined while it has not. An engine or a
 * media tool may throw something of its own on abort; the abort's reason is the real story.
 */
export function abortReason(signal: AbortSignal): GemserveError | undefined {
  if (!signal.aborted) return undefined;
  return isGemserveError(signal.reason) ? signal.reason : Errors.cancelled();
}
