import { defineMessage, field, repeated, required, type MessageType } from './define-message.js';
import { EMBED_CONTENT_REQUEST, type EmbedContentResponse } from './embeddings.js';
import { GENERATE_CONTENT_REQUEST, type GenerateContentResponse } from './generate-content.js';
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

/**
 * The request bodies of `POST …:batchGenerateContent` and `…:asyncBatchEmbedContent` as tables
 * (`GenerateContentBatch` and `EmbedContentBatch` of the Batch API, ai.google.dev/api/batch-api;
 * `webhookConfig` from js-genai's createBatchJobConfigToMldev). Each inline request is the
 * method's own request message, so its fields are known to the same depth as a direct call's.
 * The output-only fields of a batch (`output`, `batchStats`, times, `state`) are known too: a
 * client may send back a batch it read. The TypeScript shapes batch code reads are the plain
 * interfaces above and below; these tables are the wire contract the body is checked against.
 */
export const INLINED_REQUEST = defineMessage('InlinedRequest', {
  request: required(field.message(GENERATE_CONTENT_REQUEST)),
  /** The caller's own JSON, echoed with the result. */
  metadata: field.struct(),
});

export const INLINED_REQUESTS = defineMessage('InlinedRequests', {
  requests: required(repeated(field.message(INLINED_REQUEST))),
});

export const INPUT_CONFIG = defineMessage('InputConfig', {
  fileName: field.string(),
  requests: field.message(INLINED_REQUESTS),
});

const BATCH_FIELDS = {
  model: field.string(),
  name: field.string(),
  displayName: field.string(),
  output: field.struct(),
  createTime: field.string(),
  endTime: field.string(),
  updateTime: field.string(),
  batchStats: field.struct(),
  state: field.string(),
  priority: field.int64(),
  /** Where Google posts job updates; opaque, gemserve calls no webhook. */
  webhookConfig: field.struct(),
};

export const GENERATE_CONTENT_BATCH = defineMessage('GenerateContentBatch', {
  ...BATCH_FIELDS,
  inputConfig: required(field.message(INPUT_CONFIG)),
});

export const BATCH_GENERATE_CONTENT_REQUEST = defineMessage('BatchGenerateContentRequest', {
  batch: required(field.message(GENERATE_CONTENT_BATCH)),
});
export interface BatchGenerateContentRequest extends MessageType<typeof BATCH_GENERATE_CONTENT_REQUEST> {}

export const INLINED_EMBED_CONTENT_REQUEST = defineMessage('InlinedEmbedContentRequest', {
  request: required(field.message(EMBED_CONTENT_REQUEST)),
  metadata: field.struct(),
});

export const INLINED_EMBED_CONTENT_REQUESTS = defineMessage('InlinedEmbedContentRequests', {
  requests: required(repeated(field.message(INLINED_EMBED_CONTENT_REQUEST))),
});

export const INPUT_EMBED_CONTENT_CONFIG = defineMessage('InputEmbedContentConfig', {
  fileName: field.string(),
  requests: field.message(INLINED_EMBED_CONTENT_REQUESTS),
});

export const EMBED_CONTENT_BATCH = defineMessage('EmbedContentBatch', {
  ...BATCH_FIELDS,
  inputConfig: required(field.message(INPUT_EMBED_CONTENT_CONFIG)),
});

export const ASYNC_BATCH_EMBED_CONTENT_REQUEST = defineMessage('AsyncBatchEmbedContentRequest', {
  batch: required(field.message(EMBED_CONTENT_BATCH)),
});
export interface AsyncBatchEmbedContentRequest extends MessageType<typeof ASYNC_BATCH_EMBED_CONTENT_REQUEST> {}

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
