import type { onRequestHookHandler } from 'fastify';
import type { CountTokensResponse, GenerateContentResponse, UsageMetadata } from '../api/gemini/types.js';
import { isGemserveError } from '../core/errors.js';
import type { Caller } from '../gateway/caller.js';
import type { UsageRecord } from '../gateway/usage-record.js';
import type { MeteredRecord } from '../gateway/usage/usage-recorder.js';
import { batchRequestOf } from './batch/batch-request.js';
import type { MethodContext } from './method-context.js';
import { parseModelMethodPath } from './model-method-path.js';
import { CACHE_HEADER, ENGINE_HEADER } from './start-generation.js';

/** When each request arrived (`performance.now()`), set by {@link markArrival}. */
const arrivals = new WeakMap<object, number>();

/**
 * The `onRequest` hook that notes when a request arrived, so latencies count from arrival
 * (body parsing, auth and limits included). Fastify's own `reply.elapsedTime` only runs when
 * request logging is on.
 */
export const markArrival: onRequestHookHandler = (request, _reply, done) => {
  arrivals.set(request.raw, performance.now());
  done();
};

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

/**
 * What one model request used, collected while the route answers it and handed to every
 * `ctx.usageSinks` once it is over (usage store, limits, metrics):
 * - unary: the counts of the response's `usageMetadata`;
 * - stream: those of the last chunk sent (usage is cumulative), also when the stream failed
 *   in-band or the client left: what was generated and sent is recorded;
 * - countTokens: the counted prompt, nothing generated;
 * - a request that failed before answering: its status and Google status, no tokens.
 * Times are milliseconds since the request arrived ({@link markArrival}).
 */
export class GenerationMeter {
  readonly #ctx: MethodContext;
  readonly #method: string;
  #counts: Counts = NONE;
  #firstChunkMs: number | undefined;
  #status = 200;
  #error: string | undefined;
  #errorCode: string | undefined;
  #recorded = false;
  readonly #arrived: number;

  constructor(ctx: MethodContext, method: string) {
    this.#ctx = ctx;
    this.#method = method;
    this.#arrived = arrivals.get(ctx.request.raw) ?? performance.now();
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

  /** A countTokens answer; returns it. */
  counted(response: CountTokensResponse): CountTokensResponse {
    this.#counts = {
      ...NONE,
      promptTokens: response.totalTokens,
      cachedTokens: response.cachedContentTokenCount ?? 0,
      totalTokens: response.totalTokens,
      ...(response.promptTokensDetails ? { promptByModality: response.promptTokensDetails } : {}),
    };
    return response;
  }

  /** Passes stream chunks through, metering each as it is handed to the writer. */
  async *chunks(chunks: AsyncIterable<GenerateContentResponse>): AsyncGenerator<GenerateContentResponse> {
    for await (const chunk of chunks) yield this.sent(chunk);
  }

  /** The request failed before its answer started: the error's HTTP status. */
  failed(e: unknown): void {
    this.#status = isGemserveError(e) ? e.httpStatus : 500;
    this.#error = isGemserveError(e) ? e.status : 'INTERNAL';
    this.#errorCode = isGemserveError(e) ? e.code : 'INTERNAL';
  }

  /** A stream failed after its headers (in-band error, deadline, client gone): still HTTP 200. */
  failedInBand(e: unknown): void {
    this.#error ??= isGemserveError(e) ? e.status : 'INTERNAL';
    this.#errorCode ??= isGemserveError(e) ? e.code : 'INTERNAL';
  }

  /** Hands the record to every sink, once; a failing sink is logged and does not fail the request. */
  record(): void {
    const sinks = this.#ctx.usageSinks;
    if (this.#recorded || !sinks?.length) return;
    this.#recorded = true;
    const { request, reply, entry } = this.#ctx;
    // authenticate.ts sets `request.caller`; before it did, the key's hash was all there was.
    const caller = (request as { caller?: Caller }).caller ?? { id: request.callerId, name: request.callerId };
    const header = request.headers['x-goog-api-client'];
    const requested = parseModelMethodPath((request.params as { '*'?: string })['*'] ?? '')?.model;
    const batch = batchRequestOf(request);
    const record: MeteredRecord = {
      at: new Date().toISOString(),
      callerId: caller.id,
      callerName: caller.name,
      model: (requested ?? entry.definition.id).replace(/^models\//, ''),
      method: this.#method,
      apiClient: (Array.isArray(header) ? header[0] : header) ?? '',
      status: this.#status,
      ...(this.#error !== undefined ? { error: this.#error } : {}),
      ...(this.#errorCode !== undefined ? { errorCode: this.#errorCode } : {}),
      ...this.#counts,
      // The response cache answered (no engine work): start-generation.ts says so in its header.
      cacheHit: reply.getHeader(CACHE_HEADER) === 'hit',
      latencyMs: this.#elapsedMs(),
      ...(this.#method === 'streamGenerateContent' && this.#firstChunkMs !== undefined ? { firstChunkMs: this.#firstChunkMs } : {}),
      // The engine that took it: a routed model's choice (start-generation.ts), else the bound engine.
      engine: String(reply.getHeader(ENGINE_HEADER) ?? entry.engine.label),
      // Billed at the batch rate, under an id fixed per batch request: a request run again after
      // a crash (its result was never stored) is charged once.
      ...(batch ? { batch: true, usageId: `batch-${batch.jobId}-${batch.index}` } : {}),
    };
    for (const sink of sinks) {
      try {
        sink(record);
      } catch (e) {
        request.log.error({ err: e }, 'a usage sink failed');
      }
    }
  }
}

/**
 * Runs a model method's handler with a meter, recording its usage when it is over, however it
 * ends (a thrown error is recorded with its status, then rethrown for the error handler).
 */
export async function meterGeneration<T>(ctx: MethodContext, method: string, run: (meter: GenerationMeter) => Promise<T>): Promise<T> {
  const meter = new GenerationMeter(ctx, method);
  try {
    return await run(meter);
  } catch (e) {
    meter.failed(e);
    throw e;
  } finally {
    meter.record();
  }
}
