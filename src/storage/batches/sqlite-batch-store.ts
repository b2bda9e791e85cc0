import { applyMigrations, type Migration, type SqliteDatabase } from '../sqlite/open-database.js';
import type { BatchCounts, BatchFinish, BatchItem, BatchJob, BatchOutcome, NewBatchItem } from './batch-record.js';
import type { BatchStore, ClaimedItem } from './batch-store.js';

/** The batch store's schema steps (ids prefixed `batches-`, unique across the file's stores). */
export const BATCH_MIGRATIONS: readonly Migration[] = [
  {
    id: 'batches-001',
    sql: `
      CREATE TABLE batch_jobs (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        caller TEXT NOT NULL,
        model TEXT NOT NULL,
        kind TEXT NOT NULL,
        display_name TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        update_time INTEGER NOT NULL,
        end_time INTEGER,
        input_kind TEXT NOT NULL,
        input_file TEXT,
        responses_file TEXT,
        error TEXT
      );
      CREATE INDEX batch_jobs_owner ON batch_jobs (owner);
      CREATE INDEX batch_jobs_state ON batch_jobs (state);
      CREATE TABLE batch_requests (
        job_id TEXT NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        item_key TEXT,
        metadata TEXT,
        request TEXT NOT NULL,
        state TEXT NOT NULL,
        response TEXT,
        error TEXT,
        PRIMARY KEY (job_id, idx)
      );
      CREATE INDEX batch_requests_state ON batch_requests (job_id, state, idx);
    `,
  },
  {
    // One identity per caller: a job's stored caller is its owner. Before, an `--api-key` key owned
    // its jobs by the key's caller id but was stored as `static:<hash8>`, and a key presented to a
    // server without keys as `anonymous`; their usage then went to those ids.
    id: 'batches-002',
    sql: `
      UPDATE batch_jobs SET caller = json_set(caller, '$.id', owner)
        WHERE json_type(caller) = 'object' AND json_extract(caller, '$.id') IS NOT owner;
    `,
  },
];

interface JobRow {
  id: string; owner: string; caller: string; model: string; kind: string; display_name: string | null; priority: number; state: string;
  create_time: number; update_time: number; end_time: number | null; input_kind: string; input_file: string | null;
  responses_file: string | null; error: string | null;
}

interface ItemRow {
  job_id: string; idx: number; item_key: string | null; metadata: string | null; request: string; state: string;
  response: string | null; error: string | null;
}

const ACTIVE = `state IN ('pending', 'running')`;

function jobOf(r: JobRow): BatchJob {
  return {
    id: r.id,
    owner: r.owner,
    caller: JSON.parse(r.caller) as unknown,
    model: r.model,
    kind: r.kind as BatchJob['kind'],
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    ...(r.priority !== 0 ? { priority: r.priority } : {}),
    state: r.state as BatchJob['state'],
    createTime: r.create_time,
    updateTime: r.update_time,
    ...(r.end_time !== null ? { endTime: r.end_time } : {}),
    input: r.input_kind === 'file' ? { kind: 'file', fileName: r.input_file ?? '' } : { kind: 'inline' },
    ...(r.responses_file !== null ? { responsesFile: r.responses_file } : {}),
    ...(r.error !== null ? { error: JSON.parse(r.error) as BatchJob['error'] } : {}),
  };
}

function itemOf(r: ItemRow): BatchItem {
  return {
    jobId: r.job_id,
    index: r.idx,
    ...(r.item_key !== null ? { key: r.item_key } : {}),
    ...(r.metadata !== null ? { metadata: JSON.parse(r.metadata) as unknown } : {}),
    request: JSON.parse(r.request) as unknown,
    state: r.state as BatchItem['state'],
    ...(r.response !== null ? { response: JSON.parse(r.response) as unknown } : {}),
    ...(r.error !== null ? { error: JSON.parse(r.error) as unknown } : {}),
  };
}

/**
 * Batch jobs in the server's SQLite file (`<dataDir>/gemserve.db`, shared with the other
 * gateway stores): one row per job, one per request. Every step the worker takes is one
 * transaction (better-sqlite3 is synchronous, so a claim cannot interleave with another), and a
 * result is written by an UPDATE that requires the request to be `running`, so it lands once.
 * Creation order is the jobs' rowid order.
 */
export class SqliteBatchStore implements BatchStore {
  readonly #db: SqliteDatabase;
  readonly #s;

  /** Applies the store's migrations to `db`; closing the database stays with its opener. */
  constructor(db: SqliteDatabase) {
    applyMigrations(db, BATCH_MIGRATIONS);
    this.#db = db;
    this.#s = {
      insertJob: db.prepare(`INSERT INTO batch_jobs (id, owner, caller, model, kind, display_name, priority, state, create_time,
        update_time, end_time, input_kind, input_file, responses_file, error)
        VALUES (@id, @owner, @caller, @model, @kind, @display_name, @priority, @state, @create_time, @update_time, @end_time,
        @input_kind, @input_file, @responses_file, @error)`),
      insertItem: db.prepare(`INSERT INTO batch_requests (job_id, idx, item_key, metadata, request, state)
        VALUES (?, ?, ?, ?, ?, 'pending')`),
      get: db.prepare<[string], JobRow>('SELECT * FROM batch_jobs WHERE id = ?'),
      // rowid is the creation order: SQLite gives a new row max(rowid) + 1, so even a rowid reused
      // after the newest job was deleted belongs to the newest job, and a page's position keeps
      // its place among the others.
      list: db.prepare<[string, number, number], JobRow & { position: number }>(
        'SELECT *, rowid AS position FROM batch_jobs WHERE owner = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?'),
      counts: db.prepare<[string], { state: string; n: number }>(
        'SELECT state, COUNT(*) AS n FROM batch_requests WHERE job_id = ? GROUP BY state'),
      items: db.prepare<[string], ItemRow>('SELECT * FROM batch_requests WHERE job_id = ? ORDER BY idx'),
      unfinished: db.prepare<[string], { one: number }>(
        `SELECT 1 AS one FROM batch_requests WHERE job_id = ? AND state IN ('pending', 'running') LIMIT 1`),
      pendingOfOwner: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM batch_requests r JOIN batch_jobs j ON j.id = r.job_id
        WHERE j.owner = ? AND j.${ACTIVE} AND r.state IN ('pending', 'running')`),
      active: db.prepare<[], JobRow>(`SELECT * FROM batch_jobs WHERE ${ACTIVE} ORDER BY priority DESC, rowid`),
      nextPending: db.prepare<[string], ItemRow>(
        `SELECT * FROM batch_requests WHERE job_id = ? AND state = 'pending' ORDER BY idx LIMIT 1`),
      markRunning: db.prepare(`UPDATE batch_requests SET state = 'running' WHERE job_id = ? AND idx = ?`),
      startJob: db.prepare(`UPDATE batch_jobs SET state = 'running', update_time = ? WHERE id = ? AND state = 'pending'`),
      complete: db.prepare(`UPDATE batch_requests SET state = @state, response = @response, error = @error
        WHERE job_id = @job_id AND idx = @idx AND state = 'running'`),
      touch: db.prepare('UPDATE batch_jobs SET update_time = ? WHERE id = ?'),
      release: db.prepare(`UPDATE batch_requests SET state = 'pending' WHERE job_id = ? AND idx = ? AND state = 'running'`),
      requeue: db.prepare(`UPDATE batch_requests SET state = 'pending' WHERE state = 'running'`),
      finish: db.prepare(`UPDATE batch_jobs SET state = @state, update_time = @at, end_time = @at,
        responses_file = COALESCE(@responses_file, responses_file), error = COALESCE(@error, error)
        WHERE id = @id AND ${ACTIVE}`),
      delete: db.prepare('DELETE FROM batch_jobs WHERE id = ?'),
    };
  }

  async create(job: BatchJob, items: readonly NewBatchItem[]): Promise<void> {
    this.#db.transaction(() => {
      this.#s.insertJob.run({
        id: job.id, owner: job.owner, caller: JSON.stringify(job.caller ?? null), model: job.model, kind: job.kind,
        display_name: job.displayName ?? null, priority: job.priority ?? 0, state: job.state, create_time: job.createTime, update_time: job.updateTime,
        end_time: job.endTime ?? null, input_kind: job.input.kind, input_file: job.input.kind === 'file' ? job.input.fileName : null,
        responses_file: job.responsesFile ?? null, error: job.error ? JSON.stringify(job.error) : null,
      });
      items.forEach((it, i) => {
        this.#s.insertItem.run(job.id, i, it.key ?? null, it.metadata === undefined ? null : JSON.stringify(it.metadata), JSON.stringify(it.request));
      });
    })();
  }

  async get(id: string): Promise<BatchJob | undefined> {
    const row = this.#s.get.get(id);
    return row ? jobOf(row) : undefined;
  }

  async list(owner: string, page: { after?: number; limit: number }): Promise<Array<{ job: BatchJob; position: number }>> {
    return this.#s.list.all(owner, page.after ?? Number.MAX_SAFE_INTEGER, page.limit).map((row) => ({ job: jobOf(row), position: row.position }));
  }

  async counts(id: string): Promise<BatchCounts> {
    const c: BatchCounts = { total: 0, succeeded: 0, failed: 0, pending: 0 };
    for (const { state, n } of this.#s.counts.all(id)) {
      c.total += n;
      if (state === 'done') c.succeeded += n;
      else if (state === 'failed') c.failed += n;
      else c.pending += n;
    }
    return c;
  }

  async isFinished(id: string): Promise<boolean> {
    return this.#s.unfinished.get(id) === undefined;
  }

  async items(id: string): Promise<BatchItem[]> {
    return this.#s.items.all(id).map(itemOf);
  }

  async claim(now: number): Promise<ClaimedItem | undefined> {
    return this.#db.transaction((): ClaimedItem | undefined => {
      for (const row of this.#s.active.all()) {
        const next = this.#s.nextPending.get(row.id);
        if (!next) continue;
        this.#s.markRunning.run(row.id, next.idx);
        this.#s.startJob.run(now, row.id);
        const job = jobOf(this.#s.get.get(row.id) as JobRow);
        return { job, item: { ...itemOf(next), state: 'running' } };
      }
      return undefined;
    })();
  }

  async complete(jobId: string, index: number, outcome: BatchOutcome, now: number): Promise<boolean> {
    return this.#db.transaction(() => {
      const ok = 'response' in outcome;
      const changed = this.#s.complete.run({
        job_id: jobId, idx: index, state: ok ? 'done' : 'failed',
        response: ok ? JSON.stringify(outcome.response) : null,
        error: ok ? null : JSON.stringify(outcome.error),
      }).changes === 1;
      if (changed) this.#s.touch.run(now, jobId);
      return changed;
    })();
  }

  async release(jobId: string, index: number): Promise<void> {
    this.#s.release.run(jobId, index);
  }

  async requeueRunning(): Promise<number> {
    return this.#s.requeue.run().changes;
  }

  async pendingRequests(owner: string): Promise<number> {
    return this.#s.pendingOfOwner.get(owner)?.n ?? 0;
  }

  async activeJobs(): Promise<BatchJob[]> {
    return this.#s.active.all().map(jobOf);
  }

  async finish(id: string, finish: BatchFinish): Promise<boolean> {
    return this.#s.finish.run({
      id, state: finish.state, at: finish.at, responses_file: finish.responsesFile ?? null,
      error: finish.error ? JSON.stringify(finish.error) : null,
    }).changes === 1;
  }

  async delete(id: string): Promise<boolean> {
    return this.#s.delete.run(id).changes === 1;
  }

  /** Does not close the shared database. */
  async close(): Promise<void> {}
}
