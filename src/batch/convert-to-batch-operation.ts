import type {
  BatchOperation, BatchOutput, BatchResource, BatchState, BatchStats, InlinedBatchResponse, RpcStatus,
} from '../api/gemini/types.js';
import { FINAL_BATCH_STATES, type BatchCounts, type BatchItem, type BatchJob, type BatchJobState } from '../storage/batches/batch-record.js';
import { toRpcStatus } from './to-rpc-status.js';

/**
 * The resource types of batch Operations. Google's own answers name the internal `v1main`
 * package, whatever the URL's version (recorded answers, e.g. "type.googleapis.com/
 * google.ai.generativelanguage.v1main.GenerateContentBatch"); the SDKs ignore `@type`.
 */
const TYPES = {
  generate: { batch: 'GenerateContentBatch', output: 'GenerateContentBatchOutput' },
  embed: { batch: 'EmbedContentBatch', output: 'EmbedContentBatchOutput' },
} as const;
const TYPE_PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1main.';

const STATES: Record<BatchJobState, BatchState> = {
  pending: 'BATCH_STATE_PENDING',
  running: 'BATCH_STATE_RUNNING',
  succeeded: 'BATCH_STATE_SUCCEEDED',
  failed: 'BATCH_STATE_FAILED',
  cancelled: 'BATCH_STATE_CANCELLED',
  expired: 'BATCH_STATE_EXPIRED',
};

/** int64 as proto JSON writes it (a string), and a zero left out, as Google's batchStats show. */
function stats(c: BatchCounts): BatchStats {
  const out: BatchStats = {};
  if (c.total) out.requestCount = String(c.total);
  if (c.succeeded) out.successfulRequestCount = String(c.succeeded);
  if (c.failed) out.failedRequestCount = String(c.failed);
  if (c.pending) out.pendingRequestCount = String(c.pending);
  return out;
}

function inlined(item: BatchItem): InlinedBatchResponse {
  return {
    ...(item.state === 'done' ? { response: item.response as InlinedBatchResponse['response'] } : {}),
    ...(item.state === 'failed' ? { error: item.error as RpcStatus } : {}),
    ...(item.metadata !== undefined ? { metadata: item.metadata as Record<string, unknown> } : {}),
  };
}

/**
 * A job → the google.longrunning.Operation Google answers for batches (create, get, list), as
 * recorded from Google: the batch in `metadata` (with `output` once it is over), and once it is
 * `done` the output again in `response`, or an `error` instead: the job's failure, for a
 * cancelled job google.rpc CANCELLED (code 1), as google.longrunning's `CancelOperation` says a
 * cancelled operation ends, and for an expired one the error stored when it expired
 * (DEADLINE_EXCEEDED, code 4: batch-expiry.ts; not verified against Google).
 *
 * Inline results are in request order, each with its request's `metadata`, errors beside
 * successes. A cancelled or expired job reports, in `metadata.output`, the results it finished
 * (only those: each carries its `metadata` to say which it is). File jobs report their output
 * File instead.
 */
export function toBatchOperation(job: BatchJob, counts: BatchCounts, items: readonly BatchItem[] | undefined): BatchOperation {
  const name = `batches/${job.id}`;
  const done = FINAL_BATCH_STATES.has(job.state);
  let output: BatchOutput | undefined;
  if (done && job.responsesFile) output = { responsesFile: job.responsesFile };
  else if (done && job.input.kind === 'inline' && items) {
    output = { inlinedResponses: { inlinedResponses: items.filter((i) => i.state === 'done' || i.state === 'failed').map(inlined) } };
  }
  const metadata: BatchResource = {
    '@type': TYPE_PREFIX + TYPES[job.kind].batch,
    model: `models/${job.model}`,
    ...(job.displayName !== undefined ? { displayName: job.displayName } : {}),
    ...(job.input.kind === 'file' ? { inputConfig: { fileName: job.input.fileName } } : {}),
    ...(job.priority ? { priority: String(job.priority) } : {}),
    ...(output ? { output } : {}),
    createTime: new Date(job.createTime).toISOString(),
    ...(job.endTime !== undefined ? { endTime: new Date(job.endTime).toISOString() } : {}),
    updateTime: new Date(job.updateTime).toISOString(),
    batchStats: stats(counts),
    state: STATES[job.state],
    name,
  };
  const operation: BatchOperation = { name, metadata };
  if (!done) return operation;
  operation.done = true;
  if (job.state === 'failed') {
    operation.error = toRpcStatus({ status: job.error?.status ?? 'INTERNAL', message: job.error?.message ?? 'The batch failed.' });
  } else if (job.state === 'cancelled') {
    operation.error = toRpcStatus({ status: 'CANCELLED', message: 'The batch was cancelled.' });
  } else if (job.state === 'expired') {
    operation.error = toRpcStatus({ status: job.error?.status ?? 'DEADLINE_EXCEEDED', message: job.error?.message ?? 'The batch expired.' });
  } else {
    operation.response = { '@type': TYPE_PREFIX + TYPES[job.kind].output, ...output };
  }
  return operation;
}
