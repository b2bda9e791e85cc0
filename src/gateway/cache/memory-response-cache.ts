import { systemClock, type Clock } from '../../storage/clock.js';
import { decodeCachedGeneration, encodeCachedGeneration } from './encode-cached-generation.js';
import type { CachedGeneration, ResponseCache, ResponseCacheLimits, ResponseCacheStats } from './response-cache.js';

interface Entry {
  text: string;
  bytes: number;
  expiresAt: number;
}

/** What an entry counts for against `maxBytes`: its encoded value and its key, as UTF-8. */
export function entryBytes(key: string, text: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(text);
}

/**
 * The default response cache: in process memory, gone on restart. An LRU over a `Map` (whose
 * iteration order is insertion order, so re-inserting on use keeps the least recently used
 * first); expired entries are dropped when read, and all of them before evicting live ones.
 */
export class MemoryResponseCache implements ResponseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #limits: ResponseCacheLimits;
  readonly #clock: Clock;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(limits: ResponseCacheLimits, clock: Clock = systemClock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  async get(key: string): Promise<CachedGeneration | undefined> {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= this.#clock.now()) {
      this.#delete(key, e);
      this.#expirations++;
    } else if (e) {
      this.#entries.delete(key);
      this.#entries.set(key, e);
      this.#hits++;
      return decodeCachedGeneration(e.text);
    }
    this.#misses++;
    return undefined;
  }

  async set(key: string, value: CachedGeneration): Promise<void> {
    const text = encodeCachedGeneration(value);
    const bytes = entryBytes(key, text);
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    if (bytes > this.#limits.maxBytes) return;
    this.#entries.set(key, { text, bytes, expiresAt: this.#clock.now() + this.#limits.ttlMs });
    this.#bytes += bytes;
    if (this.#overLimits()) this.#dropExpired();
    for (const [k, e] of this.#entries) {
      if (!this.#overLimits()) break;
      this.#delete(k, e);
      this.#evictions++;
    }
  }

  stats(): ResponseCacheStats {
    return {
      hits: this.#hits, misses: this.#misses, evictions: this.#evictions, expirations: this.#expirations,
      entries: this.#entries.size, bytes: this.#bytes,
    };
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #overLimits(): boolean {
    return this.#entries.size > this.#limits.maxEntries || this.#bytes > this.#limits.maxBytes;
  }

  #dropExpired(): void {
    const now = this.#clock.now();
    for (const [k, e] of this.#entries) {
      if (e.expiresAt > now) continue;
      this.#delete(k, e);
      this.#expirations++;
    }
  }

  #delete(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }
}
