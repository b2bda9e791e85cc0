/**
 * A Batch API job as stored: the job row and one row per request. Times are epoch milliseconds;
 * the HTTP layer renders them, and maps `state` to Google's `BATCH_STATE_*` names.
 */

/**
 * Where a job is in its life. `pending`: nothing ran yet; the last four are final. `expired`: it
 * was still pending or running when it reached the worker's maximum age (Google's 48 hours).
 */
export type BatchJobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

/** The final states: a job in one of them never changes again (except by deletion). */
export const FINAL_BATCH_STATES: ReadonlySet<BatchJobState> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

/** A request's state. `running` is never seen after a restart: recovery puts it back to `pending`. */
export type BatchItemState = 'pending' | 'running' | 'done' | 'failed';

export interface BatchJob {
  /** The id: `name` without `batches/`; lowercase letters and digits. */
  id: string;
  /** The owner's `callerId`: who may see the job, and whose Files its requests read and its output becomes. */
  owner: string;
  /** The owner's Caller (src/gateway/caller.ts) as it was at creation: its requests run as it. */
  caller: unknown;
  /** The model as requested, without `models/`. */
  model: string;
  /** `generate` (batchGenerateContent) or `embed` (asyncBatchEmbedContent). */
  kind: 'generate' | 'embed';
  displayName?: string;
  /** Jobs with a higher priority run first; equal ones in creation order (Google's `batch.priority`, default 0). */
  priority?: number;
  state: BatchJobState;
  createTime: number;
  updateTime: number;
  endTime?: number;
  /** Inline requests (results inline) or a JSONL File (results in a JSONL File). */
  input: { kind: 'inline' } | { kind: 'file'; fileName: string };
  /** The output File (`files/<id>`) once written, for file input. */
  responsesFile?: string;
  /** Why the whole job failed (state `failed`) or expired (state `expired`). */
  error?: { status: string; message: string };
}

/** A request as submitted: the request body, and what identifies it to the caller. */
export interface NewBatchItem {
  request: unknown;
  /** Inline requests' `metadata`, echoed beside the result. */
  metadata?: unknown;
  /** JSONL lines' `key`, echoed on the output line. */
  key?: string;
}

/** A stored request and, once it ran, its outcome. */
export interface BatchItem extends NewBatchItem {
  jobId: string;
  /** Position in the batch, from 0: results are reported in this order. */
  index: number;
  state: BatchItemState;
  /** The response body (state `done`). */
  response?: unknown;
  /** The error (state `failed`): a google.rpc.Status. */
  error?: unknown;
}

/** How many requests of a job are in each state (`pending` includes `running`). */
export interface BatchCounts {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
}

/** How a request ended: its response or its error. */
export type BatchOutcome = { response: unknown } | { error: unknown };

/** What finishing a job writes. */
export interface BatchFinish {
  state: 'succeeded' | 'failed' | 'cancelled' | 'expired';
  at: number;
  responsesFile?: string;
  error?: { status: string; message: string };
}
