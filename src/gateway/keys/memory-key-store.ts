import { systemClock, type Clock } from '../../storage/clock.js';
import type { IssuedKey, KeyPatch, KeyRecord, NewKey } from './key-record.js';
import { hashKeySecret, newKeyId, newKeySecret, sameHash } from './key-secret.js';
import { applyKeyPatch, type KeyStore, type RotateOptions } from './key-store.js';

interface Entry {
  record: KeyRecord;
  hash: string;
  previous?: { hash: string; validUntil: number };
}

/** Keys in this process only (tests, embedders); lost on exit. */
export class MemoryKeyStore implements KeyStore {
  readonly #clock: Clock;
  readonly #byId = new Map<string, Entry>();
  readonly #idByHash = new Map<string, string>();

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock ?? systemClock;
  }

  #iso(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  async create(key: NewKey): Promise<IssuedKey> {
    const secret = newKeySecret();
    const record: KeyRecord = { ...structuredClone(key), id: newKeyId(), createdAt: this.#iso() };
    const entry: Entry = { record, hash: hashKeySecret(secret) };
    this.#byId.set(record.id, entry);
    this.#idByHash.set(entry.hash, record.id);
    return { record: structuredClone(record), secret };
  }

  async getBySecretHash(secretHash: string): Promise<KeyRecord | undefined> {
    const id = this.#idByHash.get(secretHash);
    const entry = id === undefined ? undefined : this.#byId.get(id);
    if (!entry) return undefined;
    if (sameHash(entry.hash, secretHash)) return structuredClone(entry.record);
    const p = entry.previous;
    if (p && sameHash(p.hash, secretHash) && this.#clock.now() < p.validUntil) return structuredClone(entry.record);
    return undefined;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const entry = this.#byId.get(id);
    return entry && structuredClone(entry.record);
  }

  async list(): Promise<KeyRecord[]> {
    // Insertion order is creation order.
    return [...this.#byId.values()].map((e) => structuredClone(e.record));
  }

  async hasKeys(): Promise<boolean> {
    return this.#byId.size > 0;
  }

  async revoke(id: string): Promise<KeyRecord | undefined> {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    entry.record.revokedAt ??= this.#iso();
    return structuredClone(entry.record);
  }

  async rotate(id: string, options: RotateOptions = {}): Promise<IssuedKey | undefined> {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    if (entry.previous) this.#idByHash.delete(entry.previous.hash);
    const graceMs = options.graceMs ?? 0;
    if (graceMs > 0) entry.previous = { hash: entry.hash, validUntil: this.#clock.now() + graceMs };
    else {
      this.#idByHash.delete(entry.hash);
      delete entry.previous;
    }
    const secret = newKeySecret();
    entry.hash = hashKeySecret(secret);
    this.#idByHash.set(entry.hash, id);
    return { record: structuredClone(entry.record), secret };
  }

  async update(id: string, patch: KeyPatch): Promise<KeyRecord | undefined> {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    entry.record = applyKeyPatch(entry.record, structuredClone(patch));
    return structuredClone(entry.record);
  }

  async markUsed(id: string): Promise<void> {
    const entry = this.#byId.get(id);
    if (entry) entry.record.lastUsedAt = this.#iso();
  }

  async close(): Promise<void> {}
}
