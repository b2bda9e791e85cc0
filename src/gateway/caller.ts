/**
 * Who a request acts for, as the gateway knows it once the request is authenticated: the key
 * (or JWT subject) and what it may do. Routes and gateway policies read it from
 * `request.caller`.
 */

/** Per-key (or per-model) limits; absent fields are unlimited. */
export interface Quotas {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute (prompt + candidates + thoughts, counted from real usage). */
  tpm?: number;
  /** Requests per day (the day is UTC, as Google's quotas reset at midnight Pacific; see limits). */
  rpd?: number;
}

export interface Caller {
  /** Stable id for limits, usage and cache partitioning: a managed key's id, `static:<hash8>` for a configured key, `jwt:<sub>`, or `anonymous`. */
  id: string;
  /** Human name of the key, for reports and metrics. */
  name: string;
  /** Models this caller may use (ids without `models/`); absent = all. */
  allowedModels?: string[];
  quotas?: Quotas;
  labels?: Record<string, string>;
}

/** The caller of requests without a key (servers with no keys configured). */
export const ANONYMOUS_CALLER: Caller = { id: 'anonymous', name: 'anonymous' };
