import { systemClock, type Clock } from '../../storage/clock.js';
import { applyMigrations, type Migration, type SqliteDatabase } from '../../storage/sqlite/open-database.js';
import { decodeCachedGeneration, encodeCachedGeneration } from './encode-cached-generation.js';
import { entryBytes } from './memory-response-cache.js';
import type { CachedGeneration, ResponseCache, ResponseCacheLimits, ResponseCacheStats } from './response-cache.js';

/**
 * `used` orders entries by last use for LRU eviction. It is a counter rather than a time so
 * that two uses within one millisecond (or under a fake clock) still have an order.
 */
export const RESPONSE_CACHE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'cache-001-response-cache',
    sql: `CREATE TABLE response_cache (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      used INTEGER NOT NULL
    );
    CREATE INDEX response_cache_used ON response_cache (used);
    CREATE INDEX response_cache_expires_at ON response_cache (expires_at);`,
  },
];

/**
 * The response cache in the server's SQLite file (`--cache sqlite`): entries survive restarts,
 * their TTL measured in wall-clock time from when they were stored. Bounds are enforced on each
 * write, in the write's transaction: expired entries go first, then the least recently used.
 * Limits may change between runs; the next write brings the table within the new ones.
 * Hit/miss/eviction counters are this process's (since it opened the cache).
 */
export class SqliteResponseCache implements ResponseCache {
  readonly #db: SqliteDatabase;
  readonly #limits: ResponseCacheLimits;
  readonly #clock: Clock;
  readonly #sql;
  #used: number;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;

  /** `db` stays open on `close()`: it is the server's shared database (storage/sqlite/open-database.ts). */
  constructor(db: SqliteDatabase, limits: ResponseCacheLimits, clock: Clock = systemClock) {
    applyMigrations(db, RESPONSE_CACHE_MIGRATIONS);
    this.#db = db;
    this.#limits = limits;
    this.#clock = clock;
    this.#sql = {
      get: db.prepare<[string], { value: string; expires_at: number }>('SELECT value, expires_at FROM response_cache WHERE key = ?'),
      touch: db.prepare<[number, string]>('UPDATE response_cache SET used = ? WHERE key = ?'),
      delete: db.prepare<[string]>('DELETE FROM response_cache WHERE key = ?'),
      put: db.prepare<[string, string, number, number, number]>(
        `INSERT INTO response_cache (key, value, bytes, expires_at, used) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes,
           expires_at = excluded.expires_at, used = excluded.used`),
      dropExpired: db.prepare<[number]>('DELETE FROM response_cache WHERE expires_at <= ?'),
      size: db.prepare<[], { entries: number; bytes: number }>('SELECT count(*) AS entries, coalesce(sum(bytes), 0) AS bytes FROM response_cache'),
      oldest: db.prepare<[], { key: string }>('SELECT key FROM response_cache ORDER BY used LIMIT 1'),
      maxUsed: db.prepare<[], { used: number }>('SELECT coalesce(max(used), 0) AS used FROM response_cache'),
    };
    this.#used = this.#sql.maxUsed.get()!.used;
  }

  async get(key: string): Promise<CachedGeneration | undefined> {
    const row = this.#sql.get.get(key);
    if (row && row.expires_at <= this.#clock.now()) {
      this.#sql.delete.run(key);
      this.#expirations++;
    } else if (row) {
      this.#sql.touch.run(++this.#used, key);
      this.#hits++;
      return decodeCachedGeneration(row.value);
    }
    this.#misses++;
    return undefined;
  }

  async set(key: string, value: CachedGeneration): Promise<void> {
    const text = encodeCachedGeneration(value);
    const bytes = entryBytes(key, text);
    const now = this.#clock.now();
    this.#db.transaction(() => {
      if (bytes > this.#limits.maxBytes) {
        this.#sql.delete.run(key);
        return;
      }
      this.#sql.put.run(key, text, bytes, now + this.#limits.ttlMs, ++this.#used);
      if (!this.#overLimits()) return;
      this.#expirations += this.#sql.dropExpired.run(now).changes;
      while (this.#overLimits()) {
        const oldest = this.#sql.oldest.get();
        if (!oldest) break;
        this.#sql.delete.run(oldest.key);
        this.#evictions++;
      }
    })();
  }

  stats(): ResponseCacheStats {
    const size = this.#sql.size.get()!;
    return {
      hits: this.#hits, misses: this.#misses, evictions: this.#evictions, expirations: this.#expirations,
      entries: size.entries, bytes: size.bytes,
    };
  }

  async close(): Promise<void> {
    // Nothing of its own to release: statements die with the database.
  }

  #overLimits(): boolean {
    const size = this.#sql.size.get()!;
    return size.entries > this.#limits.maxEntries || size.bytes > this.#limits.maxBytes;
  }
}
