import type { ModalityTokenCount } from '../../api/gemini/types.js';
import { applyMigrations, type Migration, type SqliteDatabase } from '../../storage/sqlite/open-database.js';
import type { UsageEntry, UsageFilter, UsageStore } from './usage-store.js';

/** The usage store's schema steps (ids prefixed `usage-`, unique across the file's stores). */
export const USAGE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'usage-001',
    sql: `
      CREATE TABLE usage_records (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        caller_id TEXT NOT NULL,
        caller_name TEXT NOT NULL,
        model TEXT NOT NULL,
        method TEXT NOT NULL,
        api_client TEXT NOT NULL,
        status INTEGER NOT NULL,
        error TEXT,
        prompt_tokens INTEGER NOT NULL,
        candidates_tokens INTEGER NOT NULL,
        thoughts_tokens INTEGER NOT NULL,
        cached_tokens INTEGER NOT NULL,
        tool_use_prompt_tokens INTEGER NOT NULL,
        total_tokens INTEGER NOT NULL,
        prompt_by_modality TEXT,
        cache_hit INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        first_chunk_ms REAL,
        engine TEXT,
        batch INTEGER NOT NULL,
        cost_micros INTEGER NOT NULL
      );
      CREATE INDEX usage_records_at ON usage_records (at_ms);
    `,
  },
];

interface Row {
  id: string; at: string; at_ms: number; caller_id: string; caller_name: string; model: string; method: string;
  api_client: string; status: number; error: string | null; prompt_tokens: number; candidates_tokens: number;
  thoughts_tokens: number; cached_tokens: number; tool_use_prompt_tokens: number; total_tokens: number;
  prompt_by_modality: string | null; cache_hit: number; latency_ms: number; first_chunk_ms: number | null;
  engine: string | null; batch: number; cost_micros: number;
}

function fromRow(r: Row): UsageEntry {
  return {
    id: r.id,
    at: r.at,
    callerId: r.caller_id,
    callerName: r.caller_name,
    model: r.model,
    method: r.method,
    apiClient: r.api_client,
    status: r.status,
    ...(r.error !== null ? { error: r.error } : {}),
    promptTokens: r.prompt_tokens,
    candidatesTokens: r.candidates_tokens,
    thoughtsTokens: r.thoughts_tokens,
    cachedTokens: r.cached_tokens,
    toolUsePromptTokens: r.tool_use_prompt_tokens,
    totalTokens: r.total_tokens,
    ...(r.prompt_by_modality !== null ? { promptByModality: JSON.parse(r.prompt_by_modality) as ModalityTokenCount[] } : {}),
    cacheHit: r.cache_hit === 1,
    latencyMs: r.latency_ms,
    ...(r.first_chunk_ms !== null ? { firstChunkMs: r.first_chunk_ms } : {}),
    ...(r.engine !== null ? { engine: r.engine } : {}),
    batch: r.batch === 1,
    costMicros: r.cost_micros,
  };
}

/**
 * Usage entries in the server's SQLite file (`<dataDir>/gemserve.db`, shared with the other
 * gateway stores), one row each, indexed by time so a report reads only its window. The CLI's
 * `gemserve usage` reads the same file while the server writes it (WAL).
 */
export class SqliteUsageStore implements UsageStore {
  readonly #reassign;
  readonly #insert;
  readonly #select;

  /** Applies the store's migrations to `db`; closing the database stays with its opener. */
  constructor(db: SqliteDatabase) {
    applyMigrations(db, USAGE_MIGRATIONS);
    // OR IGNORE: an entry's id is its identity. The Batch API gives each request a fixed id
    // (`batch-<job>-<index>`), so a request run again after a crash is recorded (and charged) once.
    this.#insert = db.prepare(`
      INSERT OR IGNORE INTO usage_records (id, at, at_ms, caller_id, caller_name, model, method, api_client, status, error,
        prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens, tool_use_prompt_tokens, total_tokens,
        prompt_by_modality, cache_hit, latency_ms, first_chunk_ms, engine, batch, cost_micros)
      VALUES (@id, @at, @at_ms, @caller_id, @caller_name, @model, @method, @api_client, @status, @error,
        @prompt_tokens, @candidates_tokens, @thoughts_tokens, @cached_tokens, @tool_use_prompt_tokens, @total_tokens,
        @prompt_by_modality, @cache_hit, @latency_ms, @first_chunk_ms, @engine, @batch, @cost_micros)`);
    this.#reassign = db.prepare<[string, string]>('UPDATE usage_records SET caller_id = ? WHERE caller_id = ?');
    this.#select = db.prepare<[number, number], Row>(
      'SELECT * FROM usage_records WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, rowid');
  }

  add(e: UsageEntry): void {
    this.#insert.run({
      id: e.id, at: e.at, at_ms: Date.parse(e.at), caller_id: e.callerId, caller_name: e.callerName, model: e.model,
      method: e.method, api_client: e.apiClient, status: e.status, error: e.error ?? null,
      prompt_tokens: e.promptTokens, candidates_tokens: e.candidatesTokens, thoughts_tokens: e.thoughtsTokens,
      cached_tokens: e.cachedTokens, tool_use_prompt_tokens: e.toolUsePromptTokens, total_tokens: e.totalTokens,
      prompt_by_modality: e.promptByModality ? JSON.stringify(e.promptByModality) : null,
      cache_hit: e.cacheHit ? 1 : 0, latency_ms: e.latencyMs, first_chunk_ms: e.firstChunkMs ?? null,
      engine: e.engine ?? null, batch: e.batch ? 1 : 0, cost_micros: e.costMicros,
    });
  }

  list(filter: UsageFilter = {}): UsageEntry[] {
    return this.#select.all(filter.since ?? Number.MIN_SAFE_INTEGER, filter.until ?? Number.MAX_SAFE_INTEGER).map(fromRow);
  }

  reassignCaller(from: string, to: string): number {
    return this.#reassign.run(to, from).changes;
  }

  /** Does not close the shared database. */
  close(): void {}
}
