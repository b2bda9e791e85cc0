import type { IssuedKey, KeyPatch, KeyRecord, NewKey } from './key-record.js';

/** Options of {@link KeyStore.rotate}. */
export interface RotateOptions {
  /** How long the old secret keeps working; 0 or absent: it stops at once. */
  graceMs?: number;
}

/**
 * Managed API keys, behind one interface with a memory and a SQLite implementation (the
 * shared contract is key-store.case.ts). Stores keep only the SHA-256 of a secret; the secret
 * is returned once, by `create` and `rotate`. Unknown ids give `undefined`, never an error.
 * Deciding whether a found key may be used (revoked, expired) is the caller's, with its clock.
 */
export interface KeyStore {
  /** Stores a new key with a fresh id and secret. */
  create(key: NewKey): Promise<IssuedKey>;
  /**
   * The key whose current secret hashes to `secretHash`, or whose previous secret does while
   * its rotation grace lasts. Revoked and expired keys are returned too.
   */
  getBySecretHash(secretHash: string): Promise<KeyRecord | undefined>;
  get(id: string): Promise<KeyRecord | undefined>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<KeyRecord[]>;
  /** True once any key was ever created: a server with managed keys then requires one. */
  hasKeys(): Promise<boolean>;
  /** Marks the key revoked (idempotent: the first revocation time stays). */
  revoke(id: string): Promise<KeyRecord | undefined>;
  /** A new secret for the same key; the old one stops now or after `graceMs`. */
  rotate(id: string, options?: RotateOptions): Promise<IssuedKey | undefined>;
  update(id: string, patch: KeyPatch): Promise<KeyRecord | undefined>;
  /** Records that the key was just accepted. */
  markUsed(id: string): Promise<void>;
  /** Releases what the store holds (the database connection it opened). */
  close(): Promise<void>;
}

/** Applies a patch to a record (shared by the implementations). */
export function applyKeyPatch(record: KeyRecord, patch: KeyPatch): KeyRecord {
  const next: KeyRecord = { ...record };
  if (patch.name !== undefined) next.name = patch.name;
  for (const field of ['expiresAt', 'allowedModels', 'quotas', 'labels'] as const) {
    const v = patch[field];
    if (v === null) delete next[field];
    else if (v !== undefined) (next as unknown as Record<string, unknown>)[field] = v;
  }
  return next;
}
