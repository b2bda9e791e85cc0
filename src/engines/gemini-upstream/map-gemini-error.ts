/**
 * What went wrong upstream → an UpstreamFailure (retry-policy.ts) carrying the error our client
 * sees if it is final (cloud.google.com/apis/design/errors; ai.google.dev/gemini-api/docs/troubleshooting):
 * - a 4xx (or an in-band error event with a 4xx code) keeps Google's status, message and
 *   details (RetryInfo, QuotaFailure...): `Errors.upstreamRejected`; a 429 is RESOURCE_EXHAUSTED,
 *   retryable, its delay taken from RetryInfo (else `Retry-After`);
 * - a 5xx → 503 UNAVAILABLE (`Errors.upstreamUnavailable`) with Google's status and message in
 *   the text; a broken connection → the same; a timeout → 504 (`Errors.upstreamTimeout`).
 */
import { Errors, GOOGLE_STATUS_HTTP, type ErrorDetail, type GoogleStatus } from '../../core/errors.js';
import { parseRetryAfter, retryAfterHeader, retryDelayFromDetails, UpstreamFailure } from '../shared/retry-policy.js';
import { UpstreamConnectionError, UpstreamHttpError, UpstreamTimeoutError } from '../shared/upstream-http.js';

/** Google's error body: `{"error": {code, message, status, details}}`. */
export interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

/** The Google status an HTTP code maps to (the canonical table, reversed; 5xx fall back to UNAVAILABLE/INTERNAL). */
function statusOfHttp(http: number): GoogleStatus {
  const exact = (Object.entries(GOOGLE_STATUS_HTTP) as Array<[GoogleStatus, number]>).find(([, code]) => code === http);
  if (exact) return exact[0];
  return http >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
}

/** A Google error (from a body or an in-band event) as a failure. */
export function failureFromGoogleError(upstream: string, httpStatus: number, error: GoogleErrorBody, headers?: Headers): UpstreamFailure {
  const status = typeof error.status === 'string' && error.status in GOOGLE_STATUS_HTTP ? (error.status as GoogleStatus) : statusOfHttp(httpStatus);
  const message = error.message ?? `HTTP ${httpStatus}`;
  const details = (Array.isArray(error.details) ? error.details : []).filter(
    (d): d is ErrorDetail => typeof d === 'object' && d !== null && typeof (d as { '@type'?: unknown })['@type'] === 'string',
  );
  const retryAfterMs = retryDelayFromDetails(details) ?? parseRetryAfter(headers?.get('retry-after'));
  const clientError = httpStatus >= 500
    ? Errors.upstreamUnavailable(upstream, `${status}: ${message}`)
    : Errors.upstreamRejected(status, message, details, retryAfterHeader(httpStatus, retryAfterMs));
  return new UpstreamFailure({ kind: 'status', httpStatus, retryAfterMs, error: clientError });
}

/** Classifies whatever an attempt threw; undefined for errors that are not the upstream's (rethrown as they are). */
export function classifyGeminiFailure(upstream: string, e: unknown): UpstreamFailure | undefined {
  if (e instanceof UpstreamFailure) return e;
  if (e instanceof UpstreamHttpError) {
    let body: GoogleErrorBody = {};
    try {
      const parsed = JSON.parse(e.body) as { error?: GoogleErrorBody } | Array<{ error?: GoogleErrorBody }>;
      body = (Array.isArray(parsed) ? parsed[0]?.error : parsed.error) ?? {};
    } catch {
      body = { message: e.body.trim().slice(0, 500) || undefined };
    }
    return failureFromGoogleError(upstream, e.status, body, e.headers);
  }
  if (e instanceof UpstreamTimeoutError) {
    return new UpstreamFailure({ kind: 'timeout', error: Errors.upstreamTimeout(upstream, e.timeoutMs), cause: e });
  }
  if (e instanceof UpstreamConnectionError) {
    return new UpstreamFailure({ kind: 'connection', error: Errors.upstreamUnavailable(upstream, e.message), cause: e });
  }
  return undefined;
}

/** A chunk that is not JSON, or not a response. */
export function malformed(upstream: string, reason: string): UpstreamFailure {
  return new UpstreamFailure({ kind: 'malformed', error: Errors.upstreamMalformed(upstream, reason) });
}
