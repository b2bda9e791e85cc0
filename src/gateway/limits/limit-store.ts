/**
 * The store behind rate limits (the @fastify/rate-limit pattern: a small store interface, a
 * memory implementation here and room for a Redis one). A store keeps usage per key in windows
 * and offers one atomic operation, {@link LimitStore.acquire}: check every window of a request
 * and, only if all are under their limits, take from them. Check and take happen in one step
 * so racing requests can never overshoot a limit; a Redis store does the same in one Lua script
 * (ZREMRANGEBYSCORE + sums + ZADD / INCR on every key), so the interface passes everything the
 * script needs (keys, windows, limits, amounts, `now`) in one call.
 */

/**
 * How a window counts.
 * - `sliding`: the usage recorded in the last `ms` milliseconds, at any instant (a sliding log:
 *   every entry expires exactly `ms` after it was taken, so no span of `ms` ever holds more than
 *   the limit and the wait until admission is exact).
 * - `utc-day`: the usage since the last UTC midnight (a fixed window that resets at 00:00 UTC).
 */
export type LimitWindow = { kind: 'sliding'; ms: number } | { kind: 'utc-day' };

/** One window a request must fit in. */
export interface LimitCheck {
  /** The counter, e.g. `rpm|<caller id>|<model>`; the caller of the store chooses the naming. */
  key: string;
  window: LimitWindow;
  /** The request is admitted while the window's usage is below this. */
  limit: number;
  /**
   * What admission takes from the window: 1 for a request counter, 0 for a window only checked
   * at admission (tokens, whose amount is known only after the request; see {@link LimitStore.record}).
   */
  take: number;
}

/** A window that refused the request. */
export interface LimitRefusal {
  /** Index of the check in the `acquire` call. */
  index: number;
  /** The window's usage now. */
  used: number;
  /** Milliseconds until this window would admit the request (> 0). */
  retryAfterMs: number;
}

/** The outcome of {@link LimitStore.acquire}: admitted (every window taken from), or refused (nothing taken). */
export type LimitDecision = { admitted: true } | { admitted: false; refusals: LimitRefusal[] };

export interface LimitStore {
  /**
   * Atomically: if every check's window is below its limit at `now`, adds each check's `take` to
   * its window and admits; otherwise takes nothing and returns every window that refused, with
   * the exact wait until it would admit.
   */
  acquire(checks: readonly LimitCheck[], now: number): Promise<LimitDecision>;
  /** Adds `amount` to a window at `now`, unconditionally (tokens used by a finished request). */
  record(key: string, window: LimitWindow, amount: number, now: number): Promise<void>;
}

/** Milliseconds in a minute, the window of per-minute limits. */
export const MINUTE_MS = 60_000;

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** The next UTC midnight after `now`, when a `utc-day` window resets. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}
