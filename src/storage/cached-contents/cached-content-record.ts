/**
 * A stored cached content (Gemini's `cachedContents` resource): what the API reports about it,
 * the wire parts it caches (kept as the JSON the client sent; the storage layer never reads
 * them), and who owns it. Times are epoch milliseconds; the HTTP layer renders them as RFC 3339.
 */
export interface CachedContentRecord {
  /** The id: `name` without `cachedContents/`. */
  id: string;
  /** The caller that created it (`request.callerId`); nobody else sees it. */
  owner: string;
  /** The model id it was created for, without `models/`. */
  model: string;
  displayName?: string;
  /** Wire `Content[]`, `Content`, `Tool[]` and `ToolConfig`, as JSON values. */
  contents: unknown[];
  systemInstruction?: unknown;
  tools?: unknown[];
  toolConfig?: unknown;
  /** Tokens the cached part takes as the model's engine counted it at creation. */
  totalTokenCount: number;
  createTime: number;
  updateTime: number;
  /** When it stops existing; only this can change after creation. */
  expireTime: number;
}

/** What a caller asks to cache; the store adds the id and the times. */
export type NewCachedContent = Omit<CachedContentRecord, 'id' | 'createTime' | 'updateTime' | 'expireTime'>;

/** When a cached content expires: a TTL from now, or an absolute time (epoch ms). */
export type CachedContentExpiry = { ttlMs: number } | { expireTime: number };

/**
 * The TTL when a create gives neither `ttl` nor `expireTime`: "If not set, the TTL defaults to
 * 1 hour" (ai.google.dev/gemini-api/docs/caching).
 */
export const DEFAULT_CACHED_CONTENT_TTL_MS = 60 * 60 * 1000;

/** Generated ids: 12 lowercase letters and digits, as Google's (`cachedContents/4rbxy6cfo4rk`). */
export const CACHED_CONTENT_ID_PATTERN = /^[a-z0-9]{1,40}$/;

/** The expiry time `expiry` means at `now`. */
export function expireTimeOf(expiry: CachedContentExpiry, now: number): number {
  return 'ttlMs' in expiry ? now + expiry.ttlMs : expiry.expireTime;
}
