import type { ModalityTokenCount } from '../api/gemini/types.js';

/**
 * One finished model request, as the gateway meters it (usage/cost, token-per-minute limits,
 * metrics). Emitted by the generate routes once the response (or the stream) is complete, with
 * the counts of its final `usageMetadata`, so metering matches what the client was told.
 */
export interface UsageRecord {
  /** When the request finished (ISO 8601). */
  at: string;
  /** `request.caller.id` and `.name`. */
  callerId: string;
  callerName: string;
  /** The model id as requested (alias or not), without `models/`. */
  model: string;
  /** `generateContent`, `streamGenerateContent`, `countTokens`, `embedContent`, ... */
  method: string;
  /** The `x-goog-api-client` header (SDK and version), or '' when absent. */
  apiClient: string;
  /** HTTP status the client got (200 also for a stream that failed in-band: see `error`). */
  status: number;
  /** Google status of a failure (`RESOURCE_EXHAUSTED`, ...), absent on success. */
  error?: string;
  /** gemserve's stable error code of a failure (`UPSTREAM_TIMEOUT`, `CIRCUIT_OPEN`, ...; src/core/errors.ts). */
  errorCode?: string;
  promptTokens: number;
  candidatesTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
  toolUsePromptTokens: number;
  totalTokens: number;
  promptByModality?: ModalityTokenCount[];
  /** Served from the response cache (no engine work). */
  cacheHit: boolean;
  /** Milliseconds from arrival to the last byte, and to the first chunk for streams. */
  latencyMs: number;
  firstChunkMs?: number;
  /** Which engine served it (routing), e.g. the engine's label. */
  engine?: string;
}

/** Something that wants every UsageRecord: the usage store, the TPM limiter, metrics. */
export type UsageSink = (record: UsageRecord) => void;
