/**
 * The time source of every store TTL (file retention, upload session expiry), injected so
 * tests move time instead of waiting (miniflare's pattern).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };
