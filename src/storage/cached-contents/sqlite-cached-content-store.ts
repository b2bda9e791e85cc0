import { systemClock, type Clock } from '../clock.js';
import { randomFileId } from '../random-id.js';
import { applyMigrations, openDatabase, type Migration, type SqliteDatabase } from '../sqlite/open-database.js';
import { expireTimeOf, type CachedContentExpiry, type CachedContentRecord, type NewCachedContent } from './cached-content-record.js';
import type { CachedContentStore } from './cached-content-store.js';

/**
 * The store's schema steps (ids prefixed `cached-contents-`, unique across the file's stores).
 * The cached wire parts are JSON text: read whole, never queried.
 */
export const CACHED_CONTENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'cached-contents-001',
    sql: `CREATE TABLE cached_contents (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      model TEXT NOT NULL,
      display_name TEXT,
      contents TEXT NOT NULL,
      system_instruction TEXT,
      tools TEXT,
      tool_config TEXT,
      total_token_count INTEGER NOT NULL,
      create_time INTEGER NOT NULL,
      update_time INTEGER NOT NULL,
      expire_time INTEGER NOT NULL
    );
    CREATE INDEX cached_contents_owner ON cached_contents (owner, create_time);
    CREATE INDEX cached_contents_expiry ON cached_contents (expire_time);`,
  },
];

interface Row {
  id: string; owner: string; model: string; display_name: string | null; contents: string;
  system_instruction: string | null; tools: string | null; tool_config: string | null;
  total_token_count: number; create_time: number; update_time: number; expire_time: number;
}

function fromRow(r: Row): CachedContentRecord {
  return {
    id: r.id,
    owner: r.owner,
    model: r.model,
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    contents: JSON.parse(r.contents) as unknown[],
    ...(r.system_instruction !== null ? { systemInstruction: JSON.parse(r.system_instruction) as unknown } : {}),
    ...(r.tools !== null ? { tools: JSON.parse(r.tools) as unknown[] } : {}),
    ...(r.tool_config !== null ? { toolConfig: JSON.parse(r.tool_config) as unknown } : {}),
    totalTokenCount: r.total_token_count,
    createTime: r.create_time,
    updateTime: r.update_time,
    expireTime: r.expire_time,
  };
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/**
 * Cached contents in the server's SQLite file (`<dataDir>/gemserve.db`, shared with the other
 * stores), so they survive a restart as Google's do until they expire.
 */
export class SqliteCachedContentStore implements CachedContentStore {
  readonly #db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #clock: Clock;

  /** Uses `db` (the server's shared connection, left open on close) or opens `file`. */
  constructor(opts: ({ db: SqliteDatabase } | { file: string }) & { clock?: Clock }) {
    this.#ownsDb = !('db' in opts);
    this.#db = 'db' in opts ? opts.db : openDatabase(opts.file);
    this.#clock = opts.clock ?? systemClock;
    applyMigrations(this.#db, CACHED_CONTENT_MIGRATIONS);
  }

  async create(input: NewCachedContent, expiry: CachedContentExpiry): Promise<CachedContentRecord> {
    const now = this.#clock.now();
    const insert = this.#db.prepare(`INSERT INTO cached_contents (id, owner, model, display_name, contents, system_instruction,
      tools, tool_config, total_token_count, create_time, update_time, expire_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const exists = this.#db.prepare('SELECT 1 FROM cached_contents WHERE id = ?');
    let id = randomFileId();
    while (exists.get(id)) id = randomFileId();
    const record: CachedContentRecord = { ...input, id, createTime: now, updateTime: now, expireTime: expireTimeOf(expiry, now) };
    insert.run(
      id, record.owner, record.model, record.displayName ?? null, JSON.stringify(record.contents), json(record.systemInstruction),
      json(record.tools), json(record.toolConfig), record.totalTokenCount, now, now, record.expireTime,
    );
    return fromRow(this.#row(id) as Row);
  }

  async get(owner: string, id: string): Promise<CachedContentRecord | undefined> {
    const row = this.#row(id);
    return row && row.owner === owner && row.expire_time > this.#clock.now() ? fromRow(row) : undefined;
  }

  async list(owner: string): Promise<CachedContentRecord[]> {
    const rows = this.#db.prepare('SELECT * FROM cached_contents WHERE owner = ? AND expire_time > ? ORDER BY create_time DESC, id ASC')
      .all(owner, this.#clock.now()) as Row[];
    return rows.map(fromRow);
  }

  async updateExpiry(owner: string, id: string, expiry: CachedContentExpiry): Promise<CachedContentRecord | undefined> {
    if (!(await this.get(owner, id))) return undefined;
    const now = this.#clock.now();
    this.#db.prepare('UPDATE cached_contents SET expire_time = ?, update_time = ? WHERE id = ?').run(expireTimeOf(expiry, now), now, id);
    return fromRow(this.#row(id) as Row);
  }

  async delete(owner: string, id: string): Promise<CachedContentRecord | undefined> {
    const record = await this.get(owner, id);
    if (!record) return undefined;
    const { changes } = this.#db.prepare('DELETE FROM cached_contents WHERE id = ?').run(id);
    return changes > 0 ? record : undefined;
  }

  async sweep(): Promise<CachedContentRecord[]> {
    const now = this.#clock.now();
    // One transaction: a record is reported exactly when this sweep deleted it.
    return this.#db.transaction(() => {
      const rows = this.#db.prepare('SELECT * FROM cached_contents WHERE expire_time <= ?').all(now) as Row[];
      this.#db.prepare('DELETE FROM cached_contents WHERE expire_time <= ?').run(now);
      return rows.map(fromRow);
    })();
  }

  async close(): Promise<void> {
    if (this.#ownsDb && this.#db.open) this.#db.close();
  }

  #row(id: string): Row | undefined {
    return this.#db.prepare('SELECT * FROM cached_contents WHERE id = ?').get(id) as Row | undefined;
  }
}
