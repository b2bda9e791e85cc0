import { systemClock, type Clock } from '../../storage/clock.js';
import { applyMigrations, openDatabase, type Migration, type SqliteDatabase } from '../../storage/sqlite/open-database.js';
import type { IssuedKey, KeyPatch, KeyRecord, NewKey } from './key-record.js';
import { hashKeySecret, newKeyId, newKeySecret, sameHash } from './key-secret.js';
import { applyKeyPatch, type KeyStore, type RotateOptions } from './key-store.js';

/**
 * The key store's schema steps. Lists, quotas and labels are JSON text: they are read whole,
 * never queried. The previous secret of a rotation with grace is kept beside the current one.
 */
export const KEY_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'keys-001',
    sql: `CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      previous_hash TEXT,
      previous_valid_until INTEGER,
      created_at TEXT NOT NULL,
      expires_at TEXT,
      revoked_at TEXT,
      allowed_models TEXT,
      quotas TEXT,
      labels TEXT,
      last_used_at TEXT
    );
    CREATE INDEX api_keys_previous_hash ON api_keys (previous_hash);`,
  },
];

interface Row {
  id: string;
  name: string;
  secret_hash: string;
  previous_hash: string | null;
  previous_valid_until: number | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  allowed_models: string | null;
  quotas: string | null;
  labels: string | null;
  last_used_at: string | null;
}

function toRecord(row: Row): KeyRecord {
  const r: KeyRecord = { id: row.id, name: row.name, createdAt: row.created_at };
  if (row.expires_at !== null) r.expiresAt = row.expires_at;
  if (row.revoked_at !== null) r.revokedAt = row.revoked_at;
  if (row.allowed_models !== null) r.allowedModels = JSON.parse(row.allowed_models) as string[];
  if (row.quotas !== null) r.quotas = JSON.parse(row.quotas) as KeyRecord['quotas'];
  if (row.labels !== null) r.labels = JSON.parse(row.labels) as Record<string, string>;
  if (row.last_used_at !== null) r.lastUsedAt = row.last_used_at;
  return r;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/**
 * Keys in the server's SQLite file (`<dataDir>/gemserve.db`), shared by `serve` and the
 * `gemserve keys` command in another process: WAL and the busy timeout of `openDatabase` let
 * both write, and every read goes to the file, so a key created or revoked by the CLI takes
 * effect on the running server's next request.
 */
export class SqliteKeyStore implements KeyStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #ownsDb: boolean;

  /** Uses `db` (the server's shared connection, left open on close) or opens `file`. */
  constructor(opts: ({ db: SqliteDatabase } | { file: string }) & { clock?: Clock }) {
    this.#ownsDb = !('db' in opts);
    this.#db = 'db' in opts ? opts.db : openDatabase(opts.file);
    this.#clock = opts.clock ?? systemClock;
    applyMigrations(this.#db, KEY_STORE_MIGRATIONS);
  }

  #iso(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #row(id: string): Row | undefined {
    return this.#db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
  }

  async create(key: NewKey): Promise<IssuedKey> {
    const secret = newKeySecret();
    const record: KeyRecord = { ...structuredClone(key), id: newKeyId(), createdAt: this.#iso() };
    this.#db.prepare(`INSERT INTO api_keys (id, name, secret_hash, created_at, expires_at, allowed_models, quotas, labels)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
      record.id, record.name, hashKeySecret(secret), record.createdAt, record.expiresAt ?? null,
      json(record.allowedModels), json(record.quotas), json(record.labels),
    );
    return { record, secret };
  }

  async getBySecretHash(secretHash: string): Promise<KeyRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM api_keys WHERE secret_hash = ? OR previous_hash = ? LIMIT 1')
      .get(secretHash, secretHash) as Row | undefined;
    if (!row) return undefined;
    if (sameHash(row.secret_hash, secretHash)) return toRecord(row);
    if (row.previous_hash !== null && sameHash(row.previous_hash, secretHash) &&
      this.#clock.now() < (row.previous_valid_until ?? 0)) return toRecord(row);
    return undefined;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const row = this.#row(id);
    return row && toRecord(row);
  }

  async list(): Promise<KeyRecord[]> {
    return (this.#db.prepare('SELECT * FROM api_keys ORDER BY rowid').all() as Row[]).map(toRecord);
  }

  async hasKeys(): Promise<boolean> {
    return this.#db.prepare('SELECT 1 FROM api_keys LIMIT 1').get() !== undefined;
  }

  async revoke(id: string): Promise<KeyRecord | undefined> {
    this.#db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(this.#iso(), id);
    return this.get(id);
  }

  async rotate(id: string, options: RotateOptions = {}): Promise<IssuedKey | undefined> {
    const secret = newKeySecret();
    const graceMs = options.graceMs ?? 0;
    const changed = graceMs > 0
      ? this.#db.prepare(`UPDATE api_keys SET previous_hash = secret_hash, previous_valid_until = ?, secret_hash = ?
          WHERE id = ?`).run(this.#clock.now() + graceMs, hashKeySecret(secret), id)
      : this.#db.prepare(`UPDATE api_keys SET previous_hash = NULL, previous_valid_until = NULL, secret_hash = ?
          WHERE id = ?`).run(hashKeySecret(secret), id);
    if (changed.changes === 0) return undefined;
    const record = await this.get(id);
    return record && { record, secret };
  }

  async update(id: string, patch: KeyPatch): Promise<KeyRecord | undefined> {
    // Read-modify-write in one transaction, so a concurrent CLI edit is not lost halfway.
    return this.#db.transaction(() => {
      const row = this.#row(id);
      if (!row) return undefined;
      const next = applyKeyPatch(toRecord(row), patch);
      this.#db.prepare(`UPDATE api_keys SET name = ?, expires_at = ?, allowed_models = ?, quotas = ?, labels = ?
        WHERE id = ?`).run(next.name, next.expiresAt ?? null, json(next.allowedModels), json(next.quotas), json(next.labels), id);
      return next;
    }).immediate();
  }

  async markUsed(id: string): Promise<void> {
    this.#db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(this.#iso(), id);
  }

  async close(): Promise<void> {
    if (this.#ownsDb && this.#db.open) this.#db.close();
  }
}
