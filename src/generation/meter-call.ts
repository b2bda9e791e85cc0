import type { CountTokensResponse, GenerateContentResponse, UsageMetadata } from '../api/gemini/types.js';
import { isGemserveError } from '../core/errors.js';
import type { UsageRecord, UsageSink } from '../gateway/usage-record.js';
import type { MeteredRecord } from '../gateway/usage/usage-recorder.js';
import type { CallBase } from './generation-call.js';

/** The counts a record takes from a response; zero until one was sent. */
type Counts = Pick<UsageRecord,
  'promptTokens' | 'candidatesTokens' | 'thoughtsTokens' | 'cachedTokens' | 'toolUsePromptTokens' | 'totalTokens' | 'promptByModality'>;

const NONE: Counts = {
  promptTokens: 0, candidatesTokens: 0, thoughtsTokens: 0, cachedTokens: 0, toolUsePromptTokens: 0, totalTokens: 0,
};

/** A response's `usageMetadata` → record counts, field for field (the record must match what the client was told). */
export function countsOfUsage(u: UsageMetadata): Counts {
  return {
    promptTokens: u.promptTokenCount,
    candidatesTokens: u.candidatesTokenCount ?? 0,
    thoughtsTokens: u.thoughtsTokenCount ?? 0,
    cachedTokens: u.cachedContentTokenCount ?? 0,
    toolUsePromptTokens: u.toolUsePromptTokenCount ?? 0,
    totalTokens: u.totalTokenCount,
    ...(u.promptTokensDetails ? { promptByModality: u.promptTokensDetails } : {}),
  };
}

/** Where a call's usage goes, and who hears of a sink that failed. */
export interface MeterSinks {
  sinks: readonly UsageSink[];
  onError: (e: unknown) => void;
}

/** What is known of a call only once it is over. */
export interface CallEnd {
  /** The response cache answered (no engine work). */
  cacheHit: boolean;
  /** The engine that took it: a routed model's choice, else the bound engine's label. */
  engine: string;
}

/**
 * What one call used, collected while the service answers it and handed to every sink (usage
 * store, limits, metrics) once it is over:
 * - unary: the counts of the response's `usageMetadata`;
 * - stream: those of the last chunk handed to the transport (usage is cumulative), also when the
 *   stream failed in-band or the client left: what was generated and sent is recorded;
 * - countTokens and embeddings: the counted prompt, nothing generated;
 * - a call that failed before answering: its HTTP and Google status, no tokens.
 * Times are milliseconds since the call arrived (`CallBase.arrivedAt`).
 */
export class CallMeter {
  readonly #call: CallBase;
  readonly #out: MeterSinks;
  readonly #arrived: number;
  #counts: Counts = NONE;
  #firstChunkMs: number | undefined;
  #status = 200;
  #error: string | undefined;
  #errorCode: string | undefined;
  #recorded = false;

  constructor(call: CallBase, out: MeterSinks) {
    this.#call = call;
    this.#out = out;
    this.#arrived = call.arrivedAt ?? performance.now();
  }

  #elapsedMs(): number {
    return performance.now() - this.#arrived;
  }

  /** A unary response or a stream chunk that goes to the client; returns it. */
  sent<T extends GenerateContentResponse>(response: T): T {
    this.#firstChunkMs ??= this.#elapsedMs();
    if (response.usageMetadata) this.#counts = countsOfUsage(response.usageMetadata);
    return response;
  }

  /** A countTokens answer (or the tokens of embedded texts); returns it. */
  counted<T extends Pick<CountTokensResponse, 'totalTokens' | 'cachedContentTokenCount' | 'promptTokensDetails'>>(response: T): T {
    this.#counts = {
      ...NONE,
      promptTokens: response.totalTokens,
      cachedTokens: response.cachedContentTokenCount ?? 0,
      totalTokens: response.totalTokens,
      ...(response.promptTokensDetails ? { promptByModality: response.promptTokensDetails } : {}),
    };
    return response;
  }

  /** The call failed before its answer started: the error's HTTP status. */
  failed(e: unknown): void {
    this.#status = isGemserveError(e) ? e.httpStatus : 500;
    this.#error = isGemserveError(e) ? e.status : 'INTERNAL';
    this.#errorCode = isGemserveError(e) ? e.code : 'INTERNAL';
  }

  /** A stream failed after its first chunk went out (in-band error, deadline, client gone): still HTTP 200. */
  failedInBand(e: unknown): void {
    this.#error ??= isGemserveError(e) ? e.status : 'INTERNAL';
    this.#errorCode ??= isGemserveError(e) ? e.code : 'INTERNAL';
  }

  /** Hands the record to every sink, once; a failing sink is reported and does not fail the call. */
  record(end: CallEnd): void {
    const { sinks, onError } = this.#out;
    if (this.#recorded || sinks.length === 0) return;
    this.#recorded = true;
    const call = this.#call;
    const record: MeteredRecord = {
      at: new Date().toISOString(),
      callerId: call.caller.id,
      callerName: call.caller.name,
      model: call.requestedModel.replace(/^models\//, ''),
      method: call.method,
      apiClient: call.apiClient ?? '',
      status: this.#status,
      ...(this.#error !== undefined ? { error: this.#error } : {}),
      ...(this.#errorCode !== undefined ? { errorCode: this.#errorCode } : {}),
      ...this.#counts,
      cacheHit: end.cacheHit,
      latencyMs: this.#elapsedMs(),
      ...(call.method === 'streamGenerateContent' && this.#firstChunkMs !== undefined ? { firstChunkMs: this.#firstChunkMs } : {}),
      engine: end.engine,
      // Billed at the batch rate, under an id fixed per batch request: a request run again after
      // a crash (its result was never stored) is charged once.
      ...(call.batch ? { batch: true, usageId: `batch-${call.batch.jobId}-${call.batch.index}` } : {}),
    };
    for (const sink of sinks) {
      try {
        sink(record);
      } catch (e) {
        onError(e);
      }
    }
  }
}
