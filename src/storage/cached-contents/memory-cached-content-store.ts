import { systemClock, type Clock } from '../clock.js';
import { randomFileId } from '../random-id.js';
import { expireTimeOf, type CachedContentExpiry, type CachedContentRecord, type NewCachedContent } from './cached-content-record.js';
import type { CachedContentStore } from './cached-content-store.js';
import { newestFirst } from './newest-first.js';

/** Cached contents in memory: for tests and servers without a data dir. Lost on restart. */
export class MemoryCachedContentStore implements CachedContentStore {
  readonly #records = new Map<string, CachedContentRecord>();
  readonly #clock: Clock;

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock ?? systemClock;
  }

  async create(input: NewCachedContent, expiry: CachedContentExpiry): Promise<CachedContentRecord> {
    const now = this.#clock.now();
    let id = randomFileId();
    while (this.#records.has(id)) id = randomFileId();
    const record: CachedContentRecord = { ...structuredClone(input), id, createTime: now, updateTime: now, expireTime: expireTimeOf(expiry, now) };
    this.#records.set(id, record);
    return structuredClone(record);
  }

  async get(owner: string, id: string): Promise<CachedContentRecord | undefined> {
    const r = this.#live(owner, id);
    return r && structuredClone(r);
  }

  async list(owner: string): Promise<CachedContentRecord[]> {
    const now = this.#clock.now();
    return [...this.#records.values()].filter((r) => r.owner === owner && r.expireTime > now).sort(newestFirst).map((r) => structuredClone(r));
  }

  async updateExpiry(owner: string, id: string, expiry: CachedContentExpiry): Promise<CachedContentRecord | undefined> {
    const r = this.#live(owner, id);
    if (!r) return undefined;
    const now = this.#clock.now();
    r.expireTime = expireTimeOf(expiry, now);
    r.updateTime = now;
    return structuredClone(r);
  }

  async delete(owner: string, id: string): Promise<CachedContentRecord | undefined> {
    const r = this.#live(owner, id);
    if (r) this.#records.delete(id);
    return r;
  }

  async sweep(): Promise<CachedContentRecord[]> {
    const now = this.#clock.now();
    const expired = [...this.#records.values()].filter((r) => r.expireTime <= now);
    for (const r of expired) this.#records.delete(r.id);
    return expired;
  }

  async close(): Promise<void> {}

  #live(owner: string, id: string): CachedContentRecord | undefined {
    const r = this.#records.get(id);
    return r && r.owner === owner && r.expireTime > this.#clock.now() ? r : undefined;
  }
}
