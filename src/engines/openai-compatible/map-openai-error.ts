/**
 * What went wrong at an OpenAI-compatible upstream → an UpstreamFailure (retry-policy.ts) with
 * the error our client sees if it is final. Error bodies differ: OpenAI, vLLM, LM Studio and
 * llama-server send `{"error": {"message", "type", "code"}}`, Ollama `{"error": "text"}`; the
 * message is taken from either. The HTTP status picks the Google status (the canonical table
 * of src/core/errors.ts, reversed): a 4xx passes through with the upstream's message
 * (`Errors.upstreamRejected`; 429 is RESOURCE_EXHAUSTED, retryable, `Retry-After` honoured),
 * unless it is about the upstream's own limits rather than the request (its samplers, grammar,
 * template; ../shared/is-upstream-limitation.ts): that is a system error, 500
 * (`Errors.upstreamLimitation`), never retried; a 5xx or a broken connection → 503
 * (`Errors.upstreamUnavailable`); a timeout → 504.
 */
import { Errors, GOOGLE_STATUS_HTTP, type GoogleStatus } from '../../core/errors.js';
import { isUpstreamLimitation } from '../shared/is-upstream-limitation.js';
import { parseRetryAfter, retryAfterHeader, UpstreamFailure } from '../shared/retry-policy.js';
import { UpstreamConnectionError, UpstreamHttpError, UpstreamTimeoutError } from '../shared/upstream-http.js';

/** The Google status of an HTTP code (4xx without an exact match → INVALID_ARGUMENT; 408 → DEADLINE_EXCEEDED). */
export function googleStatusOf(http: number): GoogleStatus {
  if (http === 408) return 'DEADLINE_EXCEEDED';
  const exact = (Object.entries(GOOGLE_STATUS_HTTP) as Array<[GoogleStatus, number]>).find(([, code]) => code === http);
  return exact ? exact[0] : http >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
}

/** The message of an OpenAI-style error body (or the text itself). */
export function openAiErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: string | { message?: string }; message?: string; detail?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.detail === 'string') return parsed.detail;
  } catch { /* not JSON */ }
  return body.trim().slice(0, 500);
}

/** An error answer (HTTP status, or an in-band `{"error"}` event) as a failure. */
export function failureFromStatus(upstream: string, http: number, message: string, headers?: Headers): UpstreamFailure {
  const text = message || `HTTP ${http}`;
  const retryAfterMs = parseRetryAfter(headers?.get('retry-after'));
  const error = http >= 500
    ? Errors.upstreamUnavailable(upstream, `HTTP ${http}: ${text}`)
    : http !== 429 && isUpstreamLimitation(text)
      ? Errors.upstreamLimitation(upstream, `HTTP ${http}: ${text}`)
      : Errors.upstreamRejected(googleStatusOf(http), text, [], retryAfterHeader(http, retryAfterMs));
  return new UpstreamFailure({ kind: 'status', httpStatus: http, retryAfterMs, error });
}

/** Classifies whatever an attempt threw; undefined for errors that are not the upstream's. */
export function classifyOpenAiFailure(upstream: string, e: unknown): UpstreamFailure | undefined {
  if (e instanceof UpstreamFailure) return e;
  if (e instanceof UpstreamHttpError) return failureFromStatus(upstream, e.status, openAiErrorMessage(e.body), e.headers);
  if (e instanceof UpstreamTimeoutError) return new UpstreamFailure({ kind: 'timeout', error: Errors.upstreamTimeout(upstream, e.timeoutMs), cause: e });
  if (e instanceof UpstreamConnectionError) return new UpstreamFailure({ kind: 'connection', error: Errors.upstreamUnavailable(upstream, e.message), cause: e });
  return undefined;
}

/** Not the protocol (a chunk that is not JSON, a call whose arguments are not an object). */
export function malformed(upstream: string, reason: string): UpstreamFailure {
  return new UpstreamFailure({ kind: 'malformed', error: Errors.upstreamMalformed(upstream, reason) });
}
