/**
 * Retries for upstream engines (gemini-upstream, openai-compatible): exponential backoff with
 * full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015: sleep =
 * random(0, min(cap, base · 2^attempt))), a bounded number of attempts, and the upstream's own
 * hint when it gives one (`Retry-After`, RFC 9110 §10.2.3; Google's `google.rpc.RetryInfo`
 * `retryDelay` in the error details, google/rpc/error_details.proto).
 *
 * What is retried follows the SDKs' defaults (408, 429, 500, 502, 503, 504: `DEFAULT_RETRY_HTTP_STATUS_CODES` in js-genai src/_api_client.ts, `_RETRY_HTTP_STATUS_CODES` in python-genai google/genai/_api_client.py)
 * plus timeouts and broken connections; never another 4xx (400, 401, 403, 404: the same
 * request would fail the same way). A malformed answer is not retried either: it is a
 * protocol fault, not a transient one.
 *
 * Streams are retried only until their first item reached the caller ({@link streamWithRetries}):
 * after that a retry would repeat (or, with sampling, contradict) chunks already sent, so the
 * failure is surfaced in-band instead.
 */
import type { GemserveError } from '../../core/errors.js';
import type { BreakerTicket, CircuitBreaker } from './circuit-breaker.js';

/** How an upstream call failed. */
export type FailureKind =
  /** A non-2xx answer (`httpStatus` says which), or an in-band error event carrying one. */
  | 'status'
  /** No answer (headers, or the next chunk) within the timeout. */
  | 'timeout'
  /** Refused, reset or dropped connection. */
  | 'connection'
  /** Not the upstream's protocol (a chunk that is not JSON). */
  | 'malformed';

/** An upstream failure, classified for the retry policy, with the error our client sees if it is final. */
export class UpstreamFailure extends Error {
  readonly kind: FailureKind;
  readonly httpStatus: number | undefined;
  /** The upstream's own hint of when to try again. */
  readonly retryAfterMs: number | undefined;
  /** What the caller gets when this failure is not retried. */
  readonly error: GemserveError;

  constructor(init: { kind: FailureKind; error: GemserveError; httpStatus?: number; retryAfterMs?: number; cause?: unknown }) {
    super(init.error.message, { cause: init.cause });
    this.name = 'UpstreamFailure';
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.error = init.error;
  }

  /** Whether this says the upstream is unhealthy (counts towards the circuit breaker): not a 4xx, which is about the request. */
  get isUpstreamFault(): boolean {
    return this.kind !== 'status' || (this.httpStatus ?? 500) >= 500;
  }
}

/** HTTP statuses worth another attempt (the Google SDKs' defaults, `DEFAULT_RETRY_HTTP_STATUS_CODES` in js-genai src/_api_client.ts). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Settings of the policy. */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 = no retries. Default 4. */
  maxAttempts?: number;
  /** The backoff's base: the cap of the first retry's random delay. Default 500 ms. */
  initialDelayMs?: number;
  /**
   * The longest delay: the backoff's cap, and the longest upstream hint honoured. A hint longer
   * than this ends the retries at once (the 429 goes to the client with its RetryInfo, as
   * gemini-cli treats long delays as terminal). Default 20 s.
   */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 20_000 };

/** Injectable randomness and sleep, for tests. */
export interface RetryDeps {
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
  /** Waits `ms` or rejects with the signal's reason. Default a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = () => { clearTimeout(t); reject(signal.reason); };
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Decides whether and when to try again. */
export class RetryPolicy {
  readonly options: Required<RetryOptions>;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(options: RetryOptions = {}, deps: RetryDeps = {}) {
    this.options = { ...DEFAULT_RETRY, ...options };
    this.#random = deps.random ?? Math.random;
    this.#sleep = deps.sleep ?? defaultSleep;
  }

  /** Whether `failure`, seen on attempt `attempt` (1-based), deserves another attempt. */
  canRetry(failure: UpstreamFailure, attempt: number): boolean {
    if (attempt >= this.options.maxAttempts) return false;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.options.maxDelayMs) return false;
    if (failure.kind === 'timeout' || failure.kind === 'connection') return true;
    if (failure.kind === 'malformed') return false;
    return failure.httpStatus !== undefined && RETRYABLE_STATUSES.has(failure.httpStatus);
  }

  /** The delay after failed attempt `attempt` (1-based): the upstream's hint, else full jitter. */
  delayMs(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.options.maxDelayMs);
    const cap = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }

  /** Sleeps before the next attempt; rejects at once if `signal` aborts. */
  wait(attempt: number, retryAfterMs: number | undefined, signal: AbortSignal): Promise<void> {
    return this.#sleep(this.delayMs(attempt, retryAfterMs), signal);
  }
}

/** Options of {@link streamWithRetries}. */
export interface RetryingStreamOptions {
  policy: RetryPolicy;
  /** Consulted before each attempt and told each attempt's outcome. */
  breaker?: CircuitBreaker;
  /** The caller's signal: an abort is never retried nor counted as an upstream failure. */
  signal: AbortSignal;
  /** Classifies what an attempt threw; anything that is not an UpstreamFailure is rethrown as is. */
  classify?: (e: unknown) => UpstreamFailure | undefined;
}

/**
 * Iterates `open(attempt)`, opening it again after a retryable failure as long as none of its
 * items has been yielded. Once one has, a failure ends the stream with the failure's client
 * error: items are never repeated nor lost, the caller sees exactly what it saw plus the error.
 * A final failure throws its `error` (a GemserveError).
 */
export async function* streamWithRetries<T>(
  open: (attempt: number) => AsyncIterable<T>,
  opts: RetryingStreamOptions,
): AsyncGenerator<T> {
  const classify = opts.classify ?? ((e: unknown) => (e instanceof UpstreamFailure ? e : undefined));
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const ticket = opts.breaker?.admit();
    let yielded = false;
    let settled = false;
    try {
      for await (const item of open(attempt)) {
        yielded = true;
        yield item;
      }
      settled = true;
      ticket?.success();
      return;
    } catch (e) {
      settled = true;
      const failure = settleFailure(e, ticket, opts.signal, classify);
      if (yielded || !opts.policy.canRetry(failure, attempt)) throw failure.error;
      await opts.policy.wait(attempt, failure.retryAfterMs, opts.signal);
    } finally {
      // The caller stopped iterating (return()) mid-attempt: neither a success nor a failure.
      if (!settled) ticket?.release();
    }
  }
}

/** Runs `call` with the same policy as {@link streamWithRetries} (for unary calls such as countTokens). */
export async function callWithRetries<T>(call: (attempt: number) => Promise<T>, opts: RetryingStreamOptions): Promise<T> {
  const classify = opts.classify ?? ((e: unknown) => (e instanceof UpstreamFailure ? e : undefined));
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const ticket = opts.breaker?.admit();
    let value: T;
    try {
      value = await call(attempt);
    } catch (e) {
      const failure = settleFailure(e, ticket, opts.signal, classify);
      if (!opts.policy.canRetry(failure, attempt)) throw failure.error;
      await opts.policy.wait(attempt, failure.retryAfterMs, opts.signal);
      continue;
    }
    ticket?.success();
    return value;
  }
}

/** Reports a failed attempt to the breaker; returns it classified, or throws what is not the upstream's (the caller's abort, bugs). */
function settleFailure(
  e: unknown, ticket: BreakerTicket | undefined, signal: AbortSignal, classify: (e: unknown) => UpstreamFailure | undefined,
): UpstreamFailure {
  if (signal.aborted) {
    ticket?.release();
    throw signal.reason;
  }
  const failure = classify(e);
  if (!failure) {
    ticket?.release();
    throw e;
  }
  if (failure.isUpstreamFault) ticket?.failure();
  else ticket?.success();
  return failure;
}

/**
 * A delay hint in milliseconds from an HTTP `Retry-After` value: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The `retryDelay` of a `google.rpc.RetryInfo` among Google error details, in milliseconds.
 * It is a protobuf Duration in JSON: decimal seconds with an `s` suffix ("47s", "1.5s").
 */
export function retryDelayFromDetails(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const detail = d as { '@type'?: unknown; retryDelay?: unknown };
    if (typeof detail?.['@type'] === 'string' && detail['@type'].endsWith('google.rpc.RetryInfo') && typeof detail.retryDelay === 'string') {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim());
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

/** A `Retry-After` header (whole seconds, rounded up) for a 429 passed on to our client; none otherwise. */
export function retryAfterHeader(httpStatus: number, retryAfterMs: number | undefined): Record<string, string> {
  if (httpStatus !== 429 || retryAfterMs === undefined) return {};
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}
