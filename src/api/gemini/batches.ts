import type { EmbedContentResponse } from './embeddings.js';
import type { GenerateContentResponse } from './generate-content.js';
import type { RpcStatus } from './status.js';

/** The Batch API (ai.google.dev/api/batch-api): jobs as long-running operations. */

/** `BatchState` of the Batch API (ai.google.dev/api/batch-api). */
export type BatchState =
  | 'BATCH_STATE_UNSPECIFIED' | 'BATCH_STATE_PENDING' | 'BATCH_STATE_RUNNING' | 'BATCH_STATE_SUCCEEDED'
  | 'BATCH_STATE_FAILED' | 'BATCH_STATE_CANCELLED' | 'BATCH_STATE_EXPIRED';

/** One inline request of a batch: the request and the caller's free-form `metadata`, echoed with its result. */
export interface InlinedBatchRequest {
  request: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** `batch.inputConfig`: inline requests or a JSONL File (`files/<id>`), exactly one. */
export interface BatchInputConfig {
  requests?: { requests: InlinedBatchRequest[] };
  fileName?: string;
}

/** The body of `POST …:batchGenerateContent` and `…:asyncBatchEmbedContent`. */
export interface CreateBatchRequest {
  batch: { displayName?: string; inputConfig: BatchInputConfig; priority?: string };
}

/** `BatchStats`; int64 counts are JSON strings, and zero counts are left out (proto3 JSON). */
export interface BatchStats {
  requestCount?: string;
  successfulRequestCount?: string;
  failedRequestCount?: string;
  pendingRequestCount?: string;
}

/** One result of an inline batch: `response` or `error`, with the request's `metadata`. */
export interface InlinedBatchResponse {
  response?: GenerateContentResponse | EmbedContentResponse;
  error?: RpcStatus;
  metadata?: Record<string, unknown>;
}

/** A batch's output: inline results (in request order) or the JSONL File holding them. */
export interface BatchOutput {
  inlinedResponses?: { inlinedResponses: InlinedBatchResponse[] };
  responsesFile?: string;
}

/** One line of a batch's JSONL input File. */
export interface BatchInputLine {
  key?: string;
  request: Record<string, unknown>;
}

/** One line of a batch's JSONL output File: the input line's `key` and its response or error. */
export interface BatchOutputLine {
  key?: string;
  response?: GenerateContentResponse | EmbedContentResponse;
  error?: RpcStatus;
}

/** `GenerateContentBatch` / `EmbedContentBatch`, as the Operation's `metadata` carries it. */
export interface BatchResource {
  '@type': string;
  name: string;
  model: string;
  displayName?: string;
  inputConfig?: BatchInputConfig;
  output?: BatchOutput;
  createTime: string;
  updateTime: string;
  endTime?: string;
  batchStats: BatchStats;
  state: BatchState;
  /** int64 as a string; higher runs first; absent when 0. */
  priority?: string;
}

/** google.longrunning.Operation of a batch: what create, get and list answer. */
export interface BatchOperation {
  name: string;
  metadata: BatchResource;
  done?: boolean;
  response?: BatchOutput & { '@type': string };
  error?: RpcStatus;
}

/** `GET /v1beta/batches`. */
export interface ListBatchesResponse {
  operations?: BatchOperation[];
  nextPageToken?: string;
}
