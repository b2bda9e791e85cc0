import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

/** The SQLite file below the data dir that every SQLite store of a server shares (keys, usage, cache). */
export function databaseFileIn(dataDir: string): string {
  return join(dataDir, 'gemserve.db');
}

/** An open SQLite database (better-sqlite3: synchronous, one connection per process). */
export type SqliteDatabase = Database.Database;

/** One schema step of a store: `id` is unique across stores (prefix it with the store's name). */
export interface Migration {
  id: string;
  sql: string;
}

/**
 * Opens (creating it and its folder if needed) the SQLite file every store of a server shares,
 * in WAL mode so readers never wait on the writer, with foreign keys on and a busy timeout for
 * a second process (the CLI's `keys` command beside a running server). `:memory:` opens a
 * private in-memory database (tests).
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Applies a store's migrations that this database has not seen yet, each in its own
 * transaction, in order, recording them in `schema_migrations`. Each store calls this with its
 * own list when it opens, so stores evolve independently in one file.
 */
export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const seen = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?');
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (seen.get(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, new Date().toISOString());
    })();
  }
}
