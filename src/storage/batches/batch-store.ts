import type { BatchCounts, BatchFinish, BatchItem, BatchJob, BatchOutcome, NewBatchItem } from './batch-record.js';

/** A request handed to the worker, and its job. */
export interface ClaimedItem {
  job: BatchJob;
  item: BatchItem;
}

/**
 * Where Batch API jobs are kept: in memory (tests) or in the server's SQLite file
 * (sqlite-batch-store.ts), so jobs survive restarts. Both pass batch-store.case.ts.
 *
 * The worker's contract, which makes a crash lose nothing and produce nothing twice: it
 * `claim`s a request (pending → running), runs it, and `complete`s it, which writes the outcome
 * and the new state in one step and only once per request. On startup `requeueRunning` puts the
 * requests a crash left `running` back to `pending`: their outcome was never written, so running
 * them again duplicates nothing.
 */
export interface BatchStore {
  /** Stores a new job and its requests (indexes 0…n-1) at once. */
  create(job: BatchJob, items: readonly NewBatchItem[]): Promise<void>;
  get(id: string): Promise<BatchJob | undefined>;
  /**
   * The owner's jobs, newest first, at most `limit`, starting after the job `after` names (a
   * `position` this store returned). A position stays valid when jobs are created or deleted
   * between two pages (even the one it came from), so paging neither repeats nor skips a job.
   */
  list(owner: string, page: { after?: number; limit: number }): Promise<Array<{ job: BatchJob; position: number }>>;
  counts(id: string): Promise<BatchCounts>;
  /** Whether every request of the job has its outcome (none pending or running); cheap, unlike `counts`. */
  isFinished(id: string): Promise<boolean>;
  /** The job's requests in index order, with their outcomes. */
  items(id: string): Promise<BatchItem[]>;
  /**
   * The next pending request of the first pending or running job (highest priority, then oldest), marked
   * `running`; the job becomes `running` at `now` if it was `pending`. Undefined when none.
   */
  claim(now: number): Promise<ClaimedItem | undefined>;
  /**
   * Writes a running request's outcome: `done` with its response or `failed` with its error.
   * False (and nothing written) when the request is not running (already completed, requeued,
   * or its job deleted).
   */
  complete(jobId: string, index: number, outcome: BatchOutcome, now: number): Promise<boolean>;
  /** Puts a running request back to pending without an outcome (the worker is stopping). */
  release(jobId: string, index: number): Promise<void>;
  /** Startup recovery: every running request back to pending; returns how many. */
  requeueRunning(): Promise<number>;
  /** How many requests of the owner's active (pending or running) jobs are still pending or running: its enqueued work. */
  pendingRequests(owner: string): Promise<number>;
  /** Jobs that are pending or running, in the order they run: highest priority, then oldest. */
  activeJobs(): Promise<BatchJob[]>;
  /** Moves an active job to its final state; false when it was already final (or is gone). */
  finish(id: string, finish: BatchFinish): Promise<boolean>;
  /** Deletes a job and its requests; false when there was none. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}
