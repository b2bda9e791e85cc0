import type { CachedContentExpiry, CachedContentRecord, NewCachedContent } from './cached-content-record.js';

/**
 * Cached contents per owner, with their expiry on the store's injected Clock. Expired records
 * are invisible at once (get, list, update and delete treat them as missing); `sweep` deletes
 * them and reports them, so whatever an engine kept for them can be released too.
 */
export interface CachedContentStore {
  /** Stores a new record with a fresh id; create and update time are now. */
  create(input: NewCachedContent, expiry: CachedContentExpiry): Promise<CachedContentRecord>;
  /** The owner's live record `id`, else undefined (missing, expired or someone else's). */
  get(owner: string, id: string): Promise<CachedContentRecord | undefined>;
  /** The owner's live records, newest first (then by id). */
  list(owner: string): Promise<CachedContentRecord[]>;
  /** Moves the owner's live record's expiry (and its update time to now); undefined as {@link get}. */
  updateExpiry(owner: string, id: string, expiry: CachedContentExpiry): Promise<CachedContentRecord | undefined>;
  /** Deletes the owner's live record; returns it, or undefined as {@link get}. */
  delete(owner: string, id: string): Promise<CachedContentRecord | undefined>;
  /** Deletes every expired record, of every owner, and returns them. */
  sweep(): Promise<CachedContentRecord[]>;
  close(): Promise<void>;
}
