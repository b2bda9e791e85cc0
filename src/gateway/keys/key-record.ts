import type { Caller, Quotas } from '../caller.js';

/**
 * A managed API key as stores keep it and the admin API shows it: never its secret, never the
 * secret's hash (stores hold that beside the record). Times are ISO 8601 (UTC).
 */
export interface KeyRecord {
  /** `key_` + 16 random characters; stable across rotations. */
  id: string;
  name: string;
  createdAt: string;
  /** After this instant the key is refused (400 API_KEY_INVALID, as an unknown key). */
  expiresAt?: string;
  /** Set once by revoke; a revoked key is refused at once. */
  revokedAt?: string;
  /** Models the key may use (ids without `models/`; a trailing `*` matches a prefix); absent = all. */
  allowedModels?: string[];
  quotas?: Quotas;
  labels?: Record<string, string>;
  /** Last time the key was accepted (recorded at most once a minute per key). */
  lastUsedAt?: string;
}

/** What a new key is made of (the id, secret and creation time are the store's). */
export interface NewKey {
  name: string;
  expiresAt?: string;
  allowedModels?: string[];
  quotas?: Quotas;
  labels?: Record<string, string>;
}

/** A change to a key's settings: absent fields stay, `null` clears an optional one. */
export interface KeyPatch {
  name?: string;
  expiresAt?: string | null;
  allowedModels?: string[] | null;
  quotas?: Quotas | null;
  labels?: Record<string, string> | null;
}

/** A key together with its secret: what create and rotate return, the only time the secret is seen. */
export interface IssuedKey {
  record: KeyRecord;
  /** `AIza` + 35 characters, shaped like a Google API key. */
  secret: string;
}

/** The gateway's view of a managed key's holder. */
export function callerOfKey(record: KeyRecord): Caller {
  return {
    id: record.id,
    name: record.name,
    ...(record.allowedModels ? { allowedModels: record.allowedModels } : {}),
    ...(record.quotas ? { quotas: record.quotas } : {}),
    ...(record.labels ? { labels: record.labels } : {}),
  };
}

/** Why a key that exists is refused at `now`, or undefined when it is usable. */
export function keyRefusal(record: KeyRecord, now: number): 'revoked' | 'expired' | undefined {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) return 'expired';
  return undefined;
}
