/**
 * The response cache (issue 5, part 4): identical deterministic requests answered from a
 * completed generation instead of the engine.
 *
 * What is cached is the engine-level event stream of a completed generation (`GenerationEvent[]`)
 * together with the `responseId` and `modelVersion` it was first sent with. The HTTP layer replays
 * the events through the same pure converters with that same meta, so:
 * - a repeated request gets a byte-identical body, `responseId` (and the function-call ids and
 *   `thoughtSignature` derived from it) included, since the converters are deterministic in their
 *   inputs; Gemini makes `responseId` fresh per response, but the contract is "a repeated
 *   request is a cache hit with an identical body", and an identical id also tells a client that
 *   it was handed the same answer again;
 * - one entry serves both methods: a `generateContent` can be answered from a streamed
 *   generation's events and a `streamGenerateContent` from a unary one's, with exactly the body
 *   (or the chunks) that method would have produced for that generation.
 * `usageMetadata` on a hit is the original generation's: it describes the response, which is
 * the same. It is not Google's implicit caching (`cachedContentTokenCount`, prompt prefixes
 * billed cheaper): no tokens were processed at all, which metering learns from `cacheHit`.
 */
import type { GenerationEvent } from '../../core/engine.js';

/** A completed generation as the cache keeps it. */
export interface CachedGeneration {
  /** Every event of the generation, in order (the prompt count first, a `finish` per candidate). */
  events: GenerationEvent[];
  /** The `responseId` the generation was first answered with; hits repeat it. */
  responseId: string;
  /** The `modelVersion` it was answered with. */
  modelVersion: string;
}

/** Bounds of a cache; the least recently used entries go first when one is exceeded. */
export interface ResponseCacheLimits {
  /** How long an entry may be served after it was stored, in milliseconds. */
  ttlMs: number;
  maxEntries: number;
  /** Sum of the entries' sizes (their encoded form plus key), in bytes. */
  maxBytes: number;
}

/** Counters since the cache was opened, and its current size. */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Entries dropped to stay within `maxEntries` / `maxBytes`. */
  evictions: number;
  /** Entries dropped because their TTL had passed. */
  expirations: number;
  entries: number;
  bytes: number;
}

/**
 * A store of completed generations by key (a SHA-256 of the canonical request, see
 * response-cache-key.ts), with TTL and LRU bounds. Implementations: memory (the default) and
 * SQLite (survives restarts). Promise-based so a networked store (Redis) fits the same shape.
 */
export interface ResponseCache {
  /** The entry, counted as a hit (and made most recently used), or undefined, counted as a miss. */
  get(key: string): Promise<CachedGeneration | undefined>;
  /** Stores (or replaces) an entry; one larger than `maxBytes` on its own is not stored. */
  set(key: string, value: CachedGeneration): Promise<void>;
  stats(): ResponseCacheStats;
  /** Releases what the cache holds open (not the database it was given). */
  close(): Promise<void>;
}
