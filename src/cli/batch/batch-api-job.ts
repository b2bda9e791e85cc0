/**
 * The Gemini Batch API's wire shapes, as `@google/genai` speaks them in Gemini Developer API
 * mode (dist: `createBatchJobParametersToMldev`, `batchJobSourceToMldev`, `inlinedRequestToMldev`
 * for the request; `batchJobFromMldev`, `batchJobDestinationFromMldev`, `inlinedResponseFromMldev`
 * for the answer; ai.google.dev/api/batch-api):
 *
 *   POST /v1beta/models/{m}:batchGenerateContent
 *     {"batch": {"displayName", "inputConfig": {"requests": {"requests": [{"request", "metadata": {"key"}}]}}}}
 *   → an Operation {"name": "batches/…", "metadata": GenerateContentBatch, "done"?, "response"?}
 *   GET /v1beta/batches/{id} → the same Operation, whose metadata carries `state`
 *     (BATCH_STATE_*), `batchStats` (int64 counts as JSON strings) and, when done,
 *     `output.inlinedResponses.inlinedResponses: [{response | error, metadata: {key}}]`.
 *
 * The finished Operation may carry the output in `response` (GenerateContentBatchOutput)
 * instead of `metadata.output`; both are read.
 */
import type { GenerateContentRequest, GenerateContentResponse, Status } from '../../api/gemini/types.js';

/** One request of the job, keyed so its answer can be matched. */
export interface KeyedRequest {
  key: string;
  request: GenerateContentRequest;
}

/** The body of `:batchGenerateContent` for inline requests. */
export function buildBatchJobBody(requests: readonly KeyedRequest[], displayName: string) {
  return {
    batch: {
      displayName,
      inputConfig: { requests: { requests: requests.map((r) => ({ request: r.request, metadata: { key: r.key } })) } },
    },
  };
}

/** `BATCH_STATE_*` values; the last four are final. */
export type BatchState = 'BATCH_STATE_UNSPECIFIED' | 'BATCH_STATE_PENDING' | 'BATCH_STATE_RUNNING' | 'BATCH_STATE_SUCCEEDED'
  | 'BATCH_STATE_FAILED' | 'BATCH_STATE_CANCELLED' | 'BATCH_STATE_EXPIRED';

const FINAL_STATES: ReadonlySet<string> = new Set(['BATCH_STATE_SUCCEEDED', 'BATCH_STATE_FAILED', 'BATCH_STATE_CANCELLED', 'BATCH_STATE_EXPIRED']);

/** One inline answer: a response or an error, with the key it was sent with. */
export interface InlinedResponse {
  key?: string;
  response?: GenerateContentResponse;
  error?: Status;
}

/** What the CLI needs of a batch Operation. */
export interface BatchJobStatus {
  /** `batches/<id>`. */
  name: string;
  state: string;
  /** A final state: nothing more will happen. */
  done: boolean;
  stats: { requests: number; succeeded: number; failed: number; pending: number };
  /** The answers, once there are any. */
  responses?: InlinedResponse[];
  /** Why the job failed, when it says. */
  error?: Status;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : undefined);
/** int64 fields are JSON strings ("1"); numbers are taken too. */
const count = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

/** Reads a batch Operation (from create or get); throws when it is not one. */
export function parseBatchOperation(body: unknown): BatchJobStatus {
  const op = obj(body);
  const meta = obj(op?.metadata);
  const name = typeof op?.name === 'string' ? op.name : typeof meta?.name === 'string' ? meta.name : undefined;
  if (!op || !name) throw new Error(`not a batch operation: ${JSON.stringify(body)?.slice(0, 200)}`);
  const state = typeof meta?.state === 'string' ? meta.state : op.done === true ? 'BATCH_STATE_SUCCEEDED' : 'BATCH_STATE_PENDING';
  const s = obj(meta?.batchStats) ?? {};
  const output = obj(meta?.output) ?? obj(op.response);
  const list = obj(output?.inlinedResponses)?.inlinedResponses;
  const responses = Array.isArray(list) ? list.map(readInlined) : undefined;
  const error = obj(op.error) as Status | undefined;
  return {
    name,
    state,
    done: FINAL_STATES.has(state),
    stats: {
      requests: count(s.requestCount),
      succeeded: count(s.successfulRequestCount),
      failed: count(s.failedRequestCount),
      pending: count(s.pendingRequestCount),
    },
    ...(responses ? { responses } : {}),
    ...(error ? { error } : {}),
  };
}

function readInlined(item: unknown): InlinedResponse {
  const r = obj(item) ?? {};
  const key = obj(r.metadata)?.key;
  return {
    ...(typeof key === 'string' ? { key } : {}),
    ...(obj(r.response) ? { response: r.response as GenerateContentResponse } : {}),
    ...(obj(r.error) ? { error: r.error as Status } : {}),
  };
}

/**
 * The answers matched to the keys sent: by `metadata.key`, else by position (a server that
 * drops the metadata still answers in order, as Google's inline output does).
 */
export function matchResponses(keys: readonly string[], responses: readonly InlinedResponse[]): Map<string, InlinedResponse> {
  const byKey = new Map<string, InlinedResponse>();
  const keyed = responses.every((r) => r.key !== undefined);
  responses.forEach((r, i) => {
    const key = keyed ? r.key! : keys[i];
    if (key !== undefined && keys.includes(key)) byKey.set(key, r);
  });
  return byKey;
}
