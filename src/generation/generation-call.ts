import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { Caller } from '../gateway/caller.js';

/**
 * A request of the Batch API (src/batch/): it waits behind interactive work for an engine slot,
 * is admitted outside the rate limits (the job was, when it was created), and is billed at the
 * batch rate under a usage id fixed by the job and the request's index, so a request run again
 * after a crash is charged once. This is the one place a call says it is a batch call.
 */
export interface BatchBilling {
  jobId: string;
  index: number;
}

/**
 * What every call of the generation service carries, whatever the transport (HTTP, the Batch
 * worker, a script): who asks, for which model, how, and until when.
 */
export interface CallBase {
  /** Who the call acts for: owner of the Files, caches and batches it reads; counted by limits, usage and the cache. */
  caller: Caller;
  /** The resolved model (`GenerationService.resolveModel`). */
  model: CatalogEntry;
  /** The model id as the client named it (alias or not), without `models/`: what limits and usage count. */
  requestedModel: string;
  /** The method as the client called it (`generateContent`, `streamGenerateContent`, `embedContent`, …): usage records name it. */
  method: string;
  /** Aborts the call: a client gone, a deadline passed, a server stopping. Its `reason` is what the call failed with. */
  signal: AbortSignal;
  /** Set for a Batch API request; absent for interactive calls. */
  batch?: BatchBilling;
  /** The client's `x-goog-api-client` (SDK and version), for usage records; '' when unknown. */
  apiClient?: string;
  /** When the call arrived (`performance.now()`), so latencies count from arrival; now when absent. */
  arrivedAt?: number;
}

/**
 * A call with its request as the client sent it (JSON, camelCase or snake_case): the service
 * parses and validates it under the call's meter, so a request refused as malformed is metered
 * like any other failure, whatever the transport. The body is that of the method: a
 * GenerateContentRequest for generate and stream, a CountTokensRequest for countTokens, an
 * EmbedContentRequest for embedContent, a BatchEmbedContentsRequest for batchEmbedContents.
 */
export interface ModelCall extends CallBase {
  body: unknown;
}
