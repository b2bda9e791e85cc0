import type { QuotaViolation } from '../../core/errors.js';
import { systemClock, type Clock } from '../../storage/clock.js';
import type { Caller, Quotas } from '../caller.js';
import type { UsageRecord, UsageSink } from '../usage-record.js';
import { GEMINI_QUOTAS, SIDE_QUOTAS, type QuotaKind, type SideQuotaKind } from './gemini-quotas.js';
import { MINUTE_MS, type LimitCheck, type LimitStore, type LimitWindow } from './limit-store.js';
import { MemoryLimitStore } from './memory-limit-store.js';

/** Where a limiter's limits come from, and what it keeps its counters in. */
export interface RateLimiterOptions {
  /** Defaults to a {@link MemoryLimitStore} (one process). */
  store?: LimitStore;
  /** Defaults to the system clock; tests pass a FakeClock. */
  clock?: Clock;
  /** Limits of every caller, for each field its own `Caller.quotas` leaves unset (`--rpm`, `--tpm`, `--rpd`). */
  defaults?: Quotas;
  /** Limits per model id (config `limits`); they bound every caller's use of that model. */
  models?: Readonly<Record<string, Quotas>>;
  /**
   * The id a model's counters go by, for a model id as requested (e.g. a `-latest` alias → its
   * target, so aliases cannot double a quota). Identity by default.
   */
  canonicalModel?: (model: string) => string;
  /**
   * countTokens requests per minute of each caller on each model (`--count-tokens-rpm`; Google's
   * Count Tokens quota is its own, `COUNT_TOKENS_RPM`); absent, unlimited. Not counted against `rpm`/`rpd`.
   */
  countTokensRpm?: number;
  /** Upload starts per minute of each caller, every model alike (`--files-rpm`); absent, unlimited. */
  filesRpm?: number;
}

/** The outcome of {@link RateLimiter.admit}. */
export type Admission =
  | { admitted: true }
  | { admitted: false; violations: QuotaViolation[]; retryAfterMs: number };

const KINDS: readonly QuotaKind[] = ['rpm', 'tpm', 'rpd'];

const WINDOWS: Record<QuotaKind, LimitWindow> = {
  rpm: { kind: 'sliding', ms: MINUTE_MS },
  tpm: { kind: 'sliding', ms: MINUTE_MS },
  // A UTC day, not Google's Pacific one (its free-tier RPD resets at midnight Pacific): no time
  // zone data or DST shifts, and the same reset instant wherever gemserve runs.
  rpd: { kind: 'utc-day' },
};

/**
 * The methods whose usage counts towards token limits (countTokens does no generation). A cached
 * content's creation evaluates its whole prompt, billed as input (ai.google.dev/gemini-api/docs/caching).
 */
const METERED_METHODS = new Set(['generateContent', 'streamGenerateContent', 'createCachedContent']);

/**
 * Rate limits and quotas per caller and model: requests per minute and tokens per minute over
 * a sliding minute, requests per day over the UTC day. A request counts against its
 * (caller, model) pair, whose limit for each kind is the lowest of the caller's own
 * (`Caller.quotas`, else the defaults) and the model's. Requests are checked and counted at
 * admission ({@link admit}); tokens only once a request has finished ({@link usageSink}), since
 * its cost is unknown before, so admission refuses once the tokens used in the last minute have
 * reached the limit (requests already running may take it past).
 */
export class RateLimiter {
  readonly #store: LimitStore;
  readonly #clock: Clock;
  readonly #defaults: Quotas;
  readonly #models: Readonly<Record<string, Quotas>>;
  readonly #canonical: (model: string) => string;
  readonly #side: Partial<Record<SideQuotaKind, number>>;

  constructor(opts: RateLimiterOptions = {}) {
    this.#store = opts.store ?? new MemoryLimitStore();
    this.#clock = opts.clock ?? systemClock;
    this.#defaults = opts.defaults ?? {};
    this.#models = opts.models ?? {};
    this.#canonical = opts.canonicalModel ?? ((m) => m);
    this.#side = {
      ...(opts.countTokensRpm !== undefined ? { countTokensRpm: opts.countTokensRpm } : {}),
      ...(opts.filesRpm !== undefined ? { filesRpm: opts.filesRpm } : {}),
    };
  }

  /** The limits that apply to `caller` using `model` (absent fields: unlimited). */
  quotasFor(caller: Caller, model: string): Quotas {
    const own = { ...this.#defaults, ...definedFields(caller.quotas) };
    const forModel = this.#models[model] ?? this.#models[this.#canonical(model)] ?? {};
    const out: Quotas = {};
    for (const kind of KINDS) {
      const values = [own[kind], forModel[kind]].filter((v): v is number => v !== undefined);
      if (values.length > 0) out[kind] = Math.min(...values);
    }
    return out;
  }

  /**
   * Admits one request of `caller` to `model`, counting it against the request limits, or
   * refuses it (counting nothing) with the quotas it is over and the exact wait until it would
   * be admitted (the longest of the refusing windows').
   */
  async admit(caller: Caller, model: string): Promise<Admission> {
    const quotas = this.quotasFor(caller, model);
    const kinds = KINDS.filter((k) => quotas[k] !== undefined);
    if (kinds.length === 0) return { admitted: true };
    const canonical = this.#canonical(model);
    const checks: LimitCheck[] = kinds.map((kind) => ({
      key: counterKey(kind, caller.id, canonical),
      window: WINDOWS[kind],
      limit: quotas[kind] as number,
      take: kind === 'tpm' ? 0 : 1,
    }));
    const decision = await this.#store.acquire(checks, this.#clock.now());
    if (decision.admitted) return decision;
    return {
      admitted: false,
      violations: decision.refusals.map((r) => ({
        ...GEMINI_QUOTAS[kinds[r.index]],
        model: canonical,
        limit: checks[r.index].limit,
      })),
      retryAfterMs: Math.max(...decision.refusals.map((r) => r.retryAfterMs)),
    };
  }

  /**
   * Admits one countTokens request of `caller` to `model` under its own quota (`countTokensRpm`),
   * or refuses it, counting nothing. It does not count against the generate quotas.
   */
  admitCountTokens(caller: Caller, model: string): Promise<Admission> {
    const canonical = this.#canonical(model);
    return this.#admitSide('countTokensRpm', counterKey('countTokensRpm', caller.id, canonical), canonical);
  }

  /** Admits one upload start of `caller` under the Files quota (`filesRpm`), or refuses it, counting nothing. */
  admitFileUpload(caller: Caller): Promise<Admission> {
    return this.#admitSide('filesRpm', counterKey('filesRpm', caller.id, ''));
  }

  async #admitSide(kind: SideQuotaKind, key: string, model?: string): Promise<Admission> {
    const limit = this.#side[kind];
    if (limit === undefined) return { admitted: true };
    const decision = await this.#store.acquire([{ key, window: WINDOWS.rpm, limit, take: 1 }], this.#clock.now());
    if (decision.admitted) return decision;
    return {
      admitted: false,
      violations: [{ ...SIDE_QUOTAS[kind], ...(model !== undefined ? { model } : {}), limit }],
      retryAfterMs: Math.max(...decision.refusals.map((r) => r.retryAfterMs)),
    };
  }

  /** Counts a finished request's total tokens towards its (caller, model) tokens per minute. */
  recordTokens(callerId: string, model: string, tokens: number): Promise<void> {
    if (!(tokens > 0)) return Promise.resolve();
    return this.#store.record(counterKey('tpm', callerId, this.#canonical(model)), WINDOWS.tpm, tokens, this.#clock.now());
  }

  /**
   * The {@link UsageSink} that feeds token limits: every finished generate request's
   * `totalTokenCount` (as the client was told, cache hits included) counts at the time it arrives.
   */
  readonly usageSink: UsageSink = (record: UsageRecord) => {
    if (!METERED_METHODS.has(record.method)) return;
    // A store failure must not fail the request that already finished; the next admission retries the store.
    this.recordTokens(record.callerId, record.model, record.totalTokens).catch(() => {});
  };
}

function definedFields(q: Quotas | undefined): Quotas {
  const out: Quotas = {};
  for (const kind of KINDS) if (q?.[kind] !== undefined) out[kind] = q[kind];
  return out;
}

/** An unambiguous counter name (ids may contain any character). */
function counterKey(kind: QuotaKind | SideQuotaKind, callerId: string, model: string): string {
  return JSON.stringify([kind, callerId, model]);
}
