/**
 * One call to a Gemini API server with plain `fetch` (the CLI must not depend on @google/genai,
 * a devDependency), retrying what is worth retrying: 429 RESOURCE_EXHAUSTED and 503
 * UNAVAILABLE, after the server's own hint (`google.rpc.RetryInfo.retryDelay` in the error
 * details, else `Retry-After`), else an exponential backoff with full jitter. Attempts are
 * bounded, and a hint longer than `maxDelayMs` ends them at once: a daily quota will not reset
 * while a batch waits. Other errors are final: the same request would fail the same way.
 */
import { parseRetryAfter, retryDelayFromDetails } from '../../engines/shared/retry-policy.js';

/** Statuses retried: the quota and overload answers (ai.google.dev/gemini-api/docs/troubleshooting). */
const RETRIED_STATUSES = new Set([429, 503]);

/** A failed call, as the results file records it. */
export interface CallFailure {
  /** The HTTP status; absent when there was no answer (refused connection, aborted). */
  httpStatus?: number;
  /** Google's status name, e.g. `INVALID_ARGUMENT`, when the body carried one. */
  status?: string;
  message: string;
}

/** The outcome of {@link callGemini}. */
export type CallResult<T> =
  | { ok: true; body: T; attempts: number }
  | { ok: false; error: CallFailure; attempts: number };

/** Options of {@link callGemini}. */
export interface CallOptions {
  apiKey?: string;
  /** Aborts the call in flight. */
  signal?: AbortSignal;
  /**
   * Ends retrying without aborting: a wait is cut short and no further attempt is made, so
   * Ctrl-C does not throw away an answer already being written.
   */
  stopRetrying?: AbortSignal;
  /**
   * Each attempt's limit (headers and body), in ms; one that runs over fails as DEADLINE_EXCEEDED
   * and is not retried: on a slow local model a retry would only add the same work again.
   */
  timeoutMs?: number;
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** The first backoff's cap when the server gives no hint. Default 1 s. */
  initialDelayMs?: number;
  /** The longest wait honoured. Default 60 s. */
  maxDelayMs?: number;
  fetch?: typeof fetch;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const wait = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const done = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  };
  const timer = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
});

/** Sends `body` (JSON; none for GET) to `url`; never throws for HTTP or network failures. */
export async function callGemini<T>(method: 'GET' | 'POST', url: string, body: unknown, opts: CallOptions = {}): Promise<CallResult<T>> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? wait;
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? 5;
  const initialDelayMs = opts.initialDelayMs ?? 1000;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  const headers: Record<string, string> = {};
  if (opts.apiKey) headers['x-goog-api-key'] = opts.apiKey;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const payload = body === undefined ? undefined : JSON.stringify(body);

  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) return { ok: false, error: { message: 'interrupted before it was sent' }, attempts: attempt - 1 };
    const deadline = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
    const signal = deadline && opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline ?? opts.signal;
    const timedOut = () => deadline?.aborted === true && !opts.signal?.aborted;
    const overTime = (): CallResult<T> => ({
      ok: false, error: { status: 'DEADLINE_EXCEEDED', message: `no answer within ${opts.timeoutMs! / 1000} s (--timeout)` }, attempts: attempt,
    });
    let res: Response;
    try {
      res = await doFetch(url, { method, headers, body: payload, signal });
    } catch (e) {
      if (timedOut()) return overTime();
      const message = opts.signal?.aborted ? 'interrupted' : describeFetchError(e, url);
      return { ok: false, error: { message }, attempts: attempt };
    }
    const text = await res.text().catch(() => '');
    if (timedOut()) return overTime();
    if (res.ok) {
      try {
        return { ok: true, body: JSON.parse(text) as T, attempts: attempt };
      } catch {
        return { ok: false, error: { httpStatus: res.status, message: `the server answered ${res.status} with a body that is not JSON` }, attempts: attempt };
      }
    }
    const { error, hintMs } = readError(res, text);
    if (!RETRIED_STATUSES.has(res.status) || attempt >= maxAttempts || (hintMs !== undefined && hintMs > maxDelayMs) || opts.stopRetrying?.aborted) {
      return { ok: false, error, attempts: attempt };
    }
    // Full jitter (AWS, "Exponential Backoff And Jitter") when the server gave no hint.
    const delay = hintMs ?? random() * Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    await sleep(delay, opts.stopRetrying ?? opts.signal);
    if (opts.stopRetrying?.aborted) return { ok: false, error, attempts: attempt };
  }
}

/** Google's error envelope, or the status line when the body is something else. */
function readError(res: Response, text: string): { error: CallFailure; hintMs: number | undefined } {
  let status: string | undefined;
  let message = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  let details: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; status?: unknown; details?: unknown } };
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
    if (typeof parsed.error?.status === 'string') status = parsed.error.status;
    details = parsed.error?.details;
  } catch {
    if (text.trim()) message = `${message}: ${text.trim().slice(0, 200)}`;
  }
  const hintMs = retryDelayFromDetails(details) ?? parseRetryAfter(res.headers.get('retry-after'));
  return { error: { httpStatus: res.status, ...(status ? { status } : {}), message }, hintMs };
}

/** Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, ...). */
function describeFetchError(e: unknown, url: string): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (e as Error)?.message ?? String(e);
  return `cannot reach ${new URL(url).origin} (${why})`;
}
